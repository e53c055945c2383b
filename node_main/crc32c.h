// CRC-32C (Castagnoli), the checksum of each record of eddy-node's persist
// file (node_main/persist_file.h). Written here rather than taken from a
// library because the build uses Debian's packages only and none of those we
// use ships one; it is 30 lines.
//
// Why CRC-32C: it is the checksum ext4, iSCSI, LevelDB's and etcd's logs use
// for the same job; it detects every burst error up to 32 bits and every odd
// number of flipped bits, which is what a torn or bit-rotted record looks
// like. It is not a defence against a malicious file.
//
// Byte-at-a-time over a 256-entry table (reflected polynomial 0x82F63B78):
// about 0.5 GB/s, far above what an fsync per record allows, so no SSE4.2.
#pragma once

#include <cstdint>
#include <string_view>

namespace eddy::node_main {

// Extends `crc` (0 to start) over `bytes`: crc32c(a + b) ==
// crc32c_extend(crc32c_extend(0, a), b).
uint32_t crc32c_extend(uint32_t crc, std::string_view bytes);
inline uint32_t crc32c(std::string_view bytes) { return crc32c_extend(0, bytes); }

}  // namespace eddy::node_main
