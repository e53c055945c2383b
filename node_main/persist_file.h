// The persist file: where eddy-node --data-dir makes a node's PersistEffects
// durable (core/persist.h), and reads them back on start. Pure of the
// driver: the StdioDriver appends through PersistFile, main.cc opens it.
//
// Format (docs/persistence.md), all integers little-endian:
//
//   file    = header record*
//   header  = "EDDYPERS" (8 bytes of magic) version:u32 (= 1)
//   record  = length:u32 crc:u32 payload[length]
//   crc     = CRC-32C (node_main/crc32c.h) of the 4 length bytes, then the payload
//   payload = one PersistEffect as compact JSON text:
//             {"hard_state":{"term":T,"vote":"n1"},
//              "snapshot":{"index":I,"term":T,"data":<JSON>},
//              "truncate_from":N,
//              "entries":[{"index":I,"term":T,"command":<JSON>}, ...]}
//             (absent parts left out; truncate_from only when > 0)
//
// Why JSON for the payload: the effect's commands and snapshot are Values,
// which are JSON text already, so they are spliced in verbatim and read back
// with the same parser as every message; there is no second codec to keep in
// step with core/persist.h, and `strings` on the file shows what a node
// wrote. The fsync after every record costs milliseconds, the encoding
// microseconds. Binary framing around it keeps torn records detectable: a
// JSON text alone cannot say where a torn one ends. And JSON's bytes make the
// scan below cheap: read as a length, four bytes of JSON text are at least
// 0x20202020, far above kPersistRecordBytesMax, so almost every offset inside
// a payload is refused at once.
//
// Reading (scan_persist_file) folds the records in order with
// Persisted::apply. The first bad record (truncated, a length of 0 or over
// kPersistRecordBytesMax, a checksum mismatch) ends the good prefix; then:
//  - if no valid record starts anywhere after it, it is a torn tail (a crash
//    mid-write, or garbage the file system left after the last write) and is
//    cut off on open, never applied;
//  - if a valid record starts after it, the file is damaged in the middle:
//    an error, never skipped, since skipping would apply later records
//    without the one they follow.
// A record whose checksum holds but whose payload does not decode, or that
// does not follow from the records before it (Persisted::apply is false),
// was written wrong rather than torn: an error too.
//
// The file only grows (no compaction): a snapshot record makes replay cheap,
// since Persisted::apply drops the entries it covers, but the bytes stay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/persist.h"
#include "core/result.h"

namespace eddy::node_main {

inline constexpr std::string_view kPersistFileName = "eddy.persist";
inline constexpr std::string_view kPersistMagic = "EDDYPERS";
inline constexpr uint32_t kPersistVersion = 1;
inline constexpr size_t kPersistHeaderBytes = 12;       // magic + version
inline constexpr size_t kPersistRecordHeaderBytes = 8;  // length + crc
// A record's payload at most. Raft's entries come from messages of at most
// Limits::line_bytes_max (1 MiB by default) and a snapshot of a lin-kv store
// is far smaller, so a longer length field is corruption, not data.
inline constexpr uint32_t kPersistRecordBytesMax = 64u << 20;
// Deepest JSON a payload may nest (the codec lets messages nest 64 deep; this
// only keeps a damaged file from recursing the parser deep).
inline constexpr int32_t kPersistJsonDepthMax = 512;

// The 12 bytes every persist file starts with.
std::string persist_file_header();
// One framed record holding `effect`.
std::string encode_persist_record(const core::PersistEffect& effect);
// A record's payload back into the effect it holds.
core::Result<core::PersistEffect, std::string> decode_persist_payload(std::string_view payload);

// What a persist file's bytes hold.
struct PersistScan {
  core::Persisted persisted;  // every good record, folded in order
  int64_t records = 0;        // good records
  size_t good_bytes = 0;      // header and good records: where the next record goes
  size_t torn_bytes = 0;      // a torn tail after them, to be cut off
  std::string torn_reason;    // what was wrong with the tail's first record
};

// Reads a whole file. An error names the byte offset and what is wrong: a bad
// header, a damaged record followed by a valid one, or a valid record that
// does not decode or does not follow. A file shorter than the header that is
// a prefix of it (a crash while creating it) is a torn tail of everything.
core::Result<PersistScan, std::string> scan_persist_file(std::string_view bytes);

// An open persist file, locked against a second eddy-node, its torn tail cut
// off, ready to append.
class PersistFile {
 public:
  struct Opened;
  // Opens `dir`/eddy.persist, creating `dir` and the file if missing, and
  // reads it (scan_persist_file). Errors: the directory or the file cannot
  // be created or read, another process holds it, or the scan's errors.
  static core::Result<Opened, std::string> open(const std::string& dir);

  PersistFile(const PersistFile&) = delete;
  PersistFile& operator=(const PersistFile&) = delete;
  ~PersistFile();

  // Appends one record and waits until it is on disk (fdatasync). Returns an
  // error text, empty on success; after an error the node must stop, since
  // a later record may not follow a lost one (the torn record is cut off on
  // the next start).
  std::string append(const core::PersistEffect& effect);

  const std::string& path() const { return path_; }
  size_t size_bytes() const { return size_bytes_; }

 private:
  PersistFile(std::string path, int fd, size_t size_bytes);

  std::string path_;
  int fd_;
  size_t size_bytes_;
};

struct PersistFile::Opened {
  std::unique_ptr<PersistFile> file;
  PersistScan scan;      // what the file held (its torn tail already cut off)
  bool existed = false;  // false: the file was created now
};

}  // namespace eddy::node_main
