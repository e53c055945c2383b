// sim/kafka/key_offsets.h: AscendingOffsets, which resumes each search past
// the previous key, finds and inserts exactly as try_emplace_offset does, for
// any run of keys: ascending (a poll's reply in the order asked), in any
// other order (a node binary's), with repeats, and with keys absent from the
// offsets (inserted as it goes). listed_offset, over a sorted copy of a
// list_committed_offsets answer, finds what a map built from the answer does,
// keys listed twice included.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/kafka/key_offsets.h"

namespace eddy::sim::kafka {
namespace {

// Keys from a small alphabet, so that lookups often hit.
std::string key_of(uint8_t n) { return "k" + std::to_string(n % 40); }

core::KeyOffsets offsets_from(const std::vector<uint8_t>& numbers) {
  core::KeyOffsets offsets;
  for (const uint8_t n : numbers) try_emplace_offset(offsets, key_of(n), n);
  return offsets;
}

void check_same_as_try_emplace(const core::KeyOffsets& start, const std::vector<uint8_t>& lookups) {
  core::KeyOffsets walked = start;
  core::KeyOffsets searched = start;
  AscendingOffsets ascending(walked);
  for (size_t i = 0; i < lookups.size(); ++i) {
    const std::string key = key_of(lookups[i]);
    const auto offset = static_cast<int64_t>(i);
    const auto [walked_at, walked_inserted] = ascending.try_emplace(key, offset);
    const auto [searched_at, searched_inserted] = try_emplace_offset(searched, key, offset);
    RC_ASSERT(walked_inserted == searched_inserted);
    RC_ASSERT(walked_at - walked.begin() == searched_at - searched.begin());
    RC_ASSERT(walked_at->first == key);
  }
  RC_ASSERT(walked == searched);
}

RC_GTEST_PROP(KeyOffsets, AscendingOffsetsFindsAndInsertsAsASearchDoes,
              (const std::vector<uint8_t>& initial, std::vector<uint8_t> lookups)) {
  const core::KeyOffsets start = offsets_from(initial);
  check_same_as_try_emplace(start, lookups);  // any order
  // Ascending by key, as a poll's reply usually is.
  std::sort(lookups.begin(), lookups.end(),
            [](uint8_t a, uint8_t b) { return key_of(a) < key_of(b); });
  check_same_as_try_emplace(start, lookups);
}

RC_GTEST_PROP(KeyOffsets, ListedOffsetFindsWhatAMapOfTheAnswerDoes,
              (const std::vector<std::pair<uint8_t, int8_t>>& answer, uint8_t lookup)) {
  core::KeyOffsets listed;
  for (const auto& [n, offset] : answer) listed.emplace_back(key_of(n), offset);
  core::KeyOffsets sorted = listed;
  std::sort(sorted.begin(), sorted.end());
  const std::map<std::string, int64_t> as_map(listed.begin(), listed.end());
  for (const std::string& key : {key_of(lookup), std::string("absent")}) {
    const auto found = as_map.find(key);
    const std::optional<int64_t> offset = listed_offset(sorted, listed, key);
    RC_ASSERT(offset.has_value() == (found != as_map.end()));
    if (offset) RC_ASSERT(*offset == found->second);
  }
}

}  // namespace
}  // namespace eddy::sim::kafka
