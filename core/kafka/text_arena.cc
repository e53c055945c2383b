// TextArena: see text_arena.h.
#include "core/kafka/text_arena.h"

#include <cstring>

#include "core/invariant.h"

namespace eddy::core::kafka {
namespace {

size_t varint_bytes(uint64_t n) {
  size_t bytes = 1;
  for (; n >= 0x80; n >>= 7) ++bytes;
  return bytes;
}

char* put_varint(char* out, uint64_t n) {
  for (; n >= 0x80; n >>= 7) *out++ = static_cast<char>((n & 0x7f) | 0x80);
  *out++ = static_cast<char>(n);
  return out;
}

}  // namespace

TextArena::Block TextArena::make_block(uint32_t capacity) {
  return Block{std::make_unique_for_overwrite<char[]>(capacity), capacity};
}

void TextArena::reserve_open(size_t entry_bytes) {
  if (open_ == kNoBlock) {
    open_ = blocks_.size();
    blocks_.push_back(make_block(kFirstBlockBytes));
    used_ = 0;
  }
  Block& open = blocks_[open_];
  if (used_ + entry_bytes <= open.capacity) return;
  if (open.capacity < kBlockBytes) {
    // Still small: grow in place (references hold positions, not pointers).
    uint32_t capacity = open.capacity;
    while (capacity < used_ + entry_bytes && capacity < kBlockBytes) capacity *= 2;
    if (used_ + entry_bytes <= capacity) {
      Block grown = make_block(capacity);
      std::memcpy(grown.data.get(), open.data.get(), used_);
      open = std::move(grown);
      return;
    }
  }
  open_ = blocks_.size();
  blocks_.push_back(make_block(kBlockBytes));
  used_ = 0;
}

uint64_t TextArena::add(std::string_view text) {
  EDDY_INVARIANT(text.size() <= kTextBytesMax, "a message's JSON text exceeds 4 GiB");
  const size_t entry_bytes = varint_bytes(text.size()) + text.size();
  size_t block = 0;
  uint32_t position = 0;
  if (entry_bytes > kOwnBlockBytes) {
    block = blocks_.size();
    blocks_.push_back(make_block(static_cast<uint32_t>(entry_bytes)));
  } else {
    reserve_open(entry_bytes);
    block = open_;
    position = used_;
    used_ += static_cast<uint32_t>(entry_bytes);
  }
  EDDY_INVARIANT(block <= 0xffffffffu, "a text arena holds over 2^32 blocks");
  char* out = put_varint(blocks_[block].data.get() + position, text.size());
  std::memcpy(out, text.data(), text.size());
  return (static_cast<uint64_t>(block) << 32) | position;
}

std::string_view TextArena::text(uint64_t ref) const {
  const char* in = blocks_[ref >> 32].data.get() + (ref & 0xffffffffu);
  uint64_t size = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*in++);
    size |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  return {in, static_cast<size_t>(size)};
}

size_t TextArena::bytes() const {
  size_t bytes = blocks_.capacity() * sizeof(Block);
  for (const Block& block : blocks_) bytes += block.capacity;
  return bytes;
}

}  // namespace eddy::core::kafka
