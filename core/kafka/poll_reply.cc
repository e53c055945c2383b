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
    log.read(key, from, std::min(per_key, budget), records);
    // Only the run below the safe end: above it, another node may still fill a gap.
    while (!records.empty() && records.back().offset >= key_end) records.pop_back();
    if (records.empty()) continue;
    budget -= records.size();
    poll_ok.msgs.emplace_back(key, std::move(records));
  }
  return poll_ok;
}

}  // namespace eddy::core::kafka
