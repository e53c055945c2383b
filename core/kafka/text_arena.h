// TextArena: the JSON texts of one key's non-integer messages, stored back to
// back in blocks, each text named by a 64-bit reference.
//
// Why blocks and not one string: a string that doubles holds up to twice its
// texts and copies them all on every growth. Here the open block grows by
// doubling only while it is small (so that a key with a few texts stays
// small), up to kBlockBytes; after that a full block is left as it is and a
// new one opened. A text too large for a block gets a block of its own,
// exactly its size, and the open block stays open.
//
// An entry is the text's length (LEB128) followed by its bytes; a reference
// is (block index << 32) | position of the entry in its block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace eddy::core::kafka {

class TextArena {
 public:
  // Stores `text` (at most kTextBytesMax) and returns its reference.
  uint64_t add(std::string_view text);
  // The text stored under `ref` (pre: `ref` came from add() on this arena).
  std::string_view text(uint64_t ref) const;
  // Bytes allocated for blocks and their index.
  size_t bytes() const;

  static constexpr size_t kTextBytesMax = 0xfffffff0u;  // block sizes are 32-bit

 private:
  static constexpr uint32_t kFirstBlockBytes = 256;
  static constexpr uint32_t kBlockBytes = 64 * 1024;
  static constexpr uint32_t kOwnBlockBytes = kBlockBytes / 8;  // larger entries: own block

  struct Block {
    std::unique_ptr<char[]> data;
    uint32_t capacity = 0;
  };
  static constexpr size_t kNoBlock = static_cast<size_t>(-1);

  // Makes room for `entry_bytes` in the open block, growing or opening one.
  void reserve_open(size_t entry_bytes);
  static Block make_block(uint32_t capacity);

  std::vector<Block> blocks_;
  size_t open_ = kNoBlock;  // the block small entries go to
  uint32_t used_ = 0;       // bytes used in the open block
};

}  // namespace eddy::core::kafka
