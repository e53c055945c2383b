// The reply to a poll: for each requested key, the contiguous stored records
// from the requested offset, below the key's `end` (the first offset not yet
// safe to return; no bound for a node that holds every record it will ever
// return), at most Limits::poll_msgs_per_key_max per key and
// poll_msgs_total_max in all, so that a reply stays well under any node's
// line limit. Keys with nothing to return are omitted, as Maelstrom allows; a
// key left out for want of budget is served by the client's next poll, since
// keys already read to their end take no budget.
//
// Two forms: from a KafkaLog with no bound (single, leader, Raft), and from
// a lookup that gives each key's records and end at once (gossip, whose
// per-key state holds both, so that a key is looked up once per poll).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "core/kafka/log.h"
#include "core/kafka/record_store.h"
#include "core/limits.h"
#include "core/message.h"

namespace eddy::core::kafka {

// One key as a poll sees it: its stored records (null: none yet) and the
// first offset not yet safe to return.
struct PollView {
  const RecordStore* records = nullptr;
  int64_t end = INT64_MAX;
};

// `view(key)` gives a key's PollView; it is called once per requested key,
// in request order, until the budget runs out.
template <typename ViewOf>
PollOkBody poll_reply(const KeyOffsets& offsets, const Limits& limits, ViewOf&& view) {
  PollOkBody poll_ok;
  // One allocation in the common case; a final poll naming thousands of keys
  // grows the vector as its keys turn out to hold records.
  poll_ok.msgs.reserve(std::min<size_t>(offsets.size(), 16));
  auto budget = static_cast<size_t>(limits.poll_msgs_total_max);
  const auto per_key = static_cast<size_t>(limits.poll_msgs_per_key_max);
  for (const auto& [key, from] : offsets) {
    if (budget == 0) break;
    const PollView key_view = view(std::string_view(key));
    if (key_view.records == nullptr || from >= key_view.end) continue;
    std::vector<Record> records;
    // Offsets are distinct and at least `from`, so at most end - from of
    // them lie below the safe end: reading more would only pop them again.
    const auto below_end = static_cast<uint64_t>(key_view.end) - static_cast<uint64_t>(from);
    key_view.records->read(
        from, static_cast<size_t>(std::min<uint64_t>({per_key, budget, below_end})), records);
    // Only the run below the safe end: above it, another node may still fill a gap.
    while (!records.empty() && records.back().offset >= key_view.end) records.pop_back();
    if (records.empty()) continue;
    budget -= records.size();
    poll_ok.msgs.emplace_back(key, std::move(records));
  }
  return poll_ok;
}

// Every stored record may be returned.
inline PollOkBody poll_reply(const KafkaLog& log, const KeyOffsets& offsets, const Limits& limits) {
  return poll_reply(offsets, limits,
                    [&log](std::string_view key) { return PollView{log.find_records(key)}; });
}

}  // namespace eddy::core::kafka
