// sim/kafka/key_offsets.h: AscendingOffsets, which resumes each search past
// the previous key, finds and inserts exactly as try_emplace_offset does, for
// any run of keys: ascending (a poll's reply in the order asked), in any
// other order (a node binary's), with repeats, and with keys absent from the
// offsets (inserted as it goes).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
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

}  // namespace
}  // namespace eddy::sim::kafka
