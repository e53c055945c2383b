// A kafka worker's offsets (core::KeyOffsets: (key, offset) pairs sorted by
// key, a flat map) and the lookups the workload makes in them and in a
// list_committed_offsets answer.
//
// AscendingOffsets serves an ok poll's reply: its keys come in the order the
// poll asked, which is the offsets' own, so each search starts past the
// previous key's entry instead of at the start; a key that is not past the
// previous one (a node binary may answer in any order) searches from the
// start again, so the result is try_emplace_offset's in every case
// (tests/property/key_offsets_property_test.cc).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/message.h"
#include "core/string_hash.h"

namespace eddy::sim::kafka {

// In (key, value) pairs sorted by key, [first, last): the first pair whose
// key is not before `key`.
template <class It>
It lower_bound_by_key(It first, It last, std::string_view key) {
  return std::lower_bound(first, last, key, [](const auto& entry, std::string_view k) {
    return core::StringLess{}(entry.first, k);
  });
}
template <class Pairs>
auto lower_bound_by_key(Pairs& pairs, std::string_view key) {
  return lower_bound_by_key(pairs.begin(), pairs.end(), key);
}

// The entry for `key`, given where a search for it stopped (`at`): that
// entry, or one inserted there with `offset`; the flag says whether it was.
inline std::pair<core::KeyOffsets::iterator, bool> emplace_found(core::KeyOffsets& offsets,
                                                                 core::KeyOffsets::iterator at,
                                                                 std::string_view key,
                                                                 int64_t offset) {
  if (at != offsets.end() && core::StringEqual{}(at->first, key)) return {at, false};
  return {offsets.emplace(at, std::string(key), offset), true};
}

// The entry for `key`, inserted with `offset` if absent; the flag says
// whether it was.
inline std::pair<core::KeyOffsets::iterator, bool> try_emplace_offset(core::KeyOffsets& offsets,
                                                                      std::string_view key,
                                                                      int64_t offset) {
  return emplace_found(offsets, lower_bound_by_key(offsets, key), key, offset);
}

inline core::KeyOffsets::const_iterator find_offset(const core::KeyOffsets& offsets,
                                                    std::string_view key) {
  const auto it = lower_bound_by_key(offsets, key);
  return it != offsets.end() && core::StringEqual{}(it->first, key) ? it : offsets.end();
}

// The offset a list_committed_offsets answer gives `key`, looked up in the
// answer sorted (by key, then offset), `sorted`; a key listed twice (a faulty
// node) counts as its first listing in the answer as sent, `listed`, as a
// map built from the answer would keep it.
inline std::optional<int64_t> listed_offset(const core::KeyOffsets& sorted,
                                            const core::KeyOffsets& listed, std::string_view key) {
  const auto it = lower_bound_by_key(sorted, key);
  if (it == sorted.end() || it->first != key) return std::nullopt;
  if (std::next(it) == sorted.end() || std::next(it)->first != key) return it->second;
  return std::find_if(listed.begin(), listed.end(),
                      [&](const auto& entry) { return entry.first == key; })
      ->second;
}

// try_emplace_offset over a run of keys that mostly ascend.
class AscendingOffsets {
 public:
  explicit AscendingOffsets(core::KeyOffsets& offsets) : offsets_(offsets) {}
  std::pair<core::KeyOffsets::iterator, bool> try_emplace(std::string_view key, int64_t offset) {
    if (!core::StringLess{}(previous_, key)) from_ = 0;
    const auto from = offsets_.begin() + static_cast<std::ptrdiff_t>(from_);
    const auto found =
        emplace_found(offsets_, lower_bound_by_key(from, offsets_.end(), key), key, offset);
    from_ = static_cast<size_t>(found.first - offsets_.begin()) + 1;
    previous_ = found.first->first;
    return found;
  }

 private:
  core::KeyOffsets& offsets_;
  size_t from_ = 0;            // every entry before it has a key up to previous_
  std::string_view previous_;  // the last key looked up, in offsets_; valid until the next emplace
};

}  // namespace eddy::sim::kafka
