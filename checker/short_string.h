// ShortString: a string of 16 bytes for the short texts a history entry
// carries (a key, a node or client id, an error or nemesis text), where
// std::string takes 32.
//
// Why: a run keeps its whole history in memory for the checker, 40,000
// entries for seed 001's command, and every byte of an entry is a byte the
// kernel must fault in and the run must move. Measured on seed 001's
// command, one run after idle seconds (docs/performance.md): 256 more bytes
// per entry cost 18% more wall time. Five strings of 32 bytes were a third of
// checker::Op.
//
// How: up to 15 bytes are stored inline, the last byte holding 15 minus the
// size (so it is 0, a terminator, when the text fills all 15); a longer text
// lives on the heap, with its pointer in the first 8 bytes and its size in the
// next 7, and 0x80 in the last byte marks it. Ids ("n0", "c12") and keys
// ("9") stay inline: copying one is two 8-byte moves and no call. A
// moved-from string is empty. Reading goes through string_view, so every
// algorithm of <string_view> applies (`view()`, or the implicit conversion).
#pragma once

#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace eddy::checker {

class ShortString {
 public:
  static constexpr size_t kInlineMax = 15;

  ShortString() noexcept { set_inline_size(0); }
  ShortString(std::string_view text) {  // NOLINT(google-explicit-constructor): a string's drop-in
    set_inline_size(0);
    assign(text);
  }
  ShortString(const char* text) : ShortString(std::string_view(text)) {}         // NOLINT
  ShortString(const std::string& text) : ShortString(std::string_view(text)) {}  // NOLINT
  // An inline text is copied as its 16 bytes: two moves, no call.
  ShortString(const ShortString& other) {
    if (!other.on_heap()) {
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      return;
    }
    set_inline_size(0);
    assign_heap(other.view());
  }
  ShortString(ShortString&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    other.set_inline_size(0);
  }
  ShortString& operator=(const ShortString& other) {
    if (this == &other) return *this;
    if (other.on_heap()) return *this = other.view();
    release();
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    return *this;
  }
  ShortString& operator=(ShortString&& other) noexcept {
    if (this != &other) {
      release();
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      other.set_inline_size(0);
    }
    return *this;
  }
  ShortString& operator=(std::string_view text) {
    assign(text);
    return *this;
  }
  ShortString& operator=(const char* text) { return *this = std::string_view(text); }
  ShortString& operator=(const std::string& text) { return *this = std::string_view(text); }
  ~ShortString() { release(); }

  // Replaces the text; `text` may point into this string's own bytes.
  void assign(std::string_view text) {
    if (text.size() > kInlineMax) return assign_heap(text);
    // memmove: `text` may be this string's own inline bytes. A heap text it
    // may point into is freed after the copy.
    const char* old_heap = on_heap() ? data() : nullptr;
    if (!text.empty()) std::memmove(bytes_, text.data(), text.size());  // data() may be null
    set_inline_size(text.size());
    delete[] old_heap;
  }
  void clear() noexcept {
    release();
    set_inline_size(0);
  }

  bool on_heap() const noexcept { return static_cast<uint8_t>(bytes_[15]) == kHeapMark; }
  size_t size() const noexcept {
    if (!on_heap()) return kInlineMax - static_cast<uint8_t>(bytes_[15]);
    uint64_t size_and_mark = 0;
    std::memcpy(&size_and_mark, bytes_ + sizeof(char*), sizeof size_and_mark);
    return size_and_mark & ((uint64_t{1} << 56) - 1);
  }
  bool empty() const noexcept { return size() == 0; }
  const char* data() const noexcept {
    if (!on_heap()) return bytes_;
    const char* heap = nullptr;
    std::memcpy(&heap, bytes_, sizeof heap);
    return heap;
  }
  std::string_view view() const noexcept { return {data(), size()}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: as std::string does
  std::string str() const { return std::string(view()); }

  friend bool operator==(const ShortString& a, const ShortString& b) noexcept {
    return a.view() == b.view();
  }
  friend bool operator==(const ShortString& a, std::string_view b) noexcept {
    return a.view() == b;
  }
  friend bool operator==(const ShortString& a, const char* b) noexcept {
    return a.view() == std::string_view(b);
  }
  friend bool operator==(const ShortString& a, const std::string& b) noexcept {
    return a.view() == std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const ShortString& a, const ShortString& b) noexcept {
    return a.view() <=> b.view();
  }
  friend std::strong_ordering operator<=>(const ShortString& a, std::string_view b) noexcept {
    return a.view() <=> b;
  }
  friend std::ostream& operator<<(std::ostream& out, const ShortString& s) {
    return out << s.view();
  }

 private:
  static_assert(std::endian::native == std::endian::little,
                "the heap mark shares the last byte with the size's top byte");
  static constexpr uint8_t kHeapMark = 0x80;

  void set_inline_size(size_t size) noexcept { bytes_[15] = static_cast<char>(kInlineMax - size); }
  // A text longer than kInlineMax, out of line: the rare case. `text` may
  // point into the heap text it replaces, so that is freed last.
  [[gnu::noinline]] void assign_heap(std::string_view text) {
    char* heap = new char[text.size()];
    std::memcpy(heap, text.data(), text.size());
    release();
    std::memcpy(bytes_, &heap, sizeof heap);
    const uint64_t size_and_mark = text.size() | (uint64_t{kHeapMark} << 56);
    std::memcpy(bytes_ + sizeof heap, &size_and_mark, sizeof size_and_mark);
  }
  void release() noexcept {
    if (on_heap()) delete[] data();
  }

  // Zeroed first: a copy of an inline text copies all 16 bytes, none left
  // indeterminate.
  alignas(8) char bytes_[16] = {};
};
static_assert(sizeof(ShortString) == 16);

// As a JSON string (nlohmann's customization point, found by lookup in this
// namespace).
template <class Json>
void to_json(Json& json, const ShortString& s) {
  json = s.view();
}

}  // namespace eddy::checker

template <>
struct std::hash<eddy::checker::ShortString> {
  size_t operator()(const eddy::checker::ShortString& s) const noexcept {
    return std::hash<std::string_view>{}(s.view());
  }
};
