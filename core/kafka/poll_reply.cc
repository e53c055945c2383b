#include "core/kafka/poll_reply.h"

#include <algorithm>
#include <utility>

namespace eddy::core::kafka {

PollOkBody poll_reply(const KafkaLog& log, const KeyOffsets& offsets, const Limits& limits,
                      const SafeEnd& end) {
  PollOkBody poll_ok;
  // One allocation in the common case; a final poll naming thousands of keys
  // grows the vector as its keys turn out to hold records.
  poll_ok.msgs.reserve(std::min<size_t>(offsets.size(), 16));
  auto budget = static_cast<size_t>(limits.poll_msgs_total_max);
  const auto per_key = static_cast<size_t>(limits.poll_msgs_per_key_max);
  for (const auto& [key, from] : offsets) {
    if (budget == 0) break;
    const int64_t key_end = end ? end(key) : INT64_MAX;
    if (from >= key_end) continue;
    std::vector<Record> records;
    // Offsets are distinct and at least `from`, so at most key_end - from of
    // them lie below the safe end: reading more would only pop them again.
    const auto below_end = static_cast<uint64_t>(key_end) - static_cast<uint64_t>(from);
    log.read(key, from, static_cast<size_t>(std::min<uint64_t>({per_key, budget, below_end})),
             records);
    // Only the run below the safe end: above it, another node may still fill a gap.
    while (!records.empty() && records.back().offset >= key_end) records.pop_back();
    if (records.empty()) continue;
    budget -= records.size();
    poll_ok.msgs.emplace_back(key, std::move(records));
  }
  return poll_ok;
}

}  // namespace eddy::core::kafka
