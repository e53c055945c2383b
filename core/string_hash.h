// StringHash: a transparent hash for unordered containers keyed by
// std::string, so that find(std::string_view) looks a key up without
// building a std::string (C++20 heterogeneous lookup; pair it with
// std::equal_to<>). std::hash of a string_view is a fixed function of the
// bytes, so the same keys inserted in the same order iterate the same way
// on every run; where iteration order reaches output, sort anyway.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace eddy::core {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const noexcept {
    // Keys are mostly a few characters ("42", "n3"): FNV-1a inline costs a
    // fraction of the library's out-of-line hash, looked up hundreds of
    // thousands of times a run. Longer keys take the library's.
    if (text.size() > kShortKey) return std::hash<std::string_view>{}(text);
    uint64_t hash = 14695981039346656037ULL;
    for (const char ch : text) {
      hash = (hash ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    }
    return static_cast<size_t>(hash);
  }
  static constexpr size_t kShortKey = 16;
};

// A hash map keyed by std::string that a string_view looks up without a copy.
template <class Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

}  // namespace eddy::core
