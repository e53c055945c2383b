// StringHash: a transparent hash for unordered containers keyed by
// std::string, so that find(std::string_view) looks a key up without
// building a std::string (C++20 heterogeneous lookup; pair it with
// std::equal_to<>). std::hash of a string_view is a fixed function of the
// bytes, so the same keys inserted in the same order iterate the same way
// on every run; where iteration order reaches output, sort anyway.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace eddy::core {

struct StringHash {
  using is_transparent = void;
  // Not noexcept, on purpose: libstdc++ then keeps each key's hash in its
  // node. Without it, a lookup hashed again the key of every node it passed,
  // to see where the bucket ends, and compared keys whose hashes differ.
  size_t operator()(std::string_view text) const {
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

// Key equality for the same containers: short keys compared in line, not
// by a call to memcmp (whose set-up costs more than a few bytes' loop).
struct StringEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    if (a.size() != b.size()) return false;
    if (a.size() > StringHash::kShortKey) return a == b;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
};

// std::string's order (bytes compared as unsigned char, then length), with
// short keys compared in line: sorted key lists are searched hundreds of
// thousands of times a run, and each comparison was a call to memcmp.
struct StringLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    const size_t common = std::min(a.size(), b.size());
    if (common > StringHash::kShortKey) return a < b;
    for (size_t i = 0; i < common; ++i) {
      if (a[i] != b[i]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    }
    return a.size() < b.size();
  }
};

// A hash map keyed by std::string that a string_view looks up without a copy.
template <class Value>
using StringMap = std::unordered_map<std::string, Value, StringHash, StringEqual>;

// try_emplace by a string_view: a std::string is built only for a key not
// yet in the map (C++20's try_emplace takes the key type alone).
template <class Value>
std::pair<typename StringMap<Value>::iterator, bool> try_emplace_view(StringMap<Value>& map,
                                                                      std::string_view key) {
  if (const auto it = map.find(key); it != map.end()) return {it, false};
  return map.try_emplace(std::string(key));
}

}  // namespace eddy::core
