// The reply to a poll, from a KafkaLog: for each requested key, the
// contiguous stored records from the requested offset, below the key's
// `end` (the first offset not yet safe to return; no bound when absent),
// at most Limits::poll_msgs_per_key_max per key and poll_msgs_total_max in
// all, so that a reply stays well under any node's line limit. Keys with
// nothing to return are omitted, as Maelstrom allows; a key left out for
// want of budget is served by the client's next poll, since keys already
// read to their end take no budget.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/kafka/log.h"
#include "core/limits.h"
#include "core/message.h"

namespace eddy::core::kafka {

using SafeEnd = std::function<int64_t(std::string_view key)>;

PollOkBody poll_reply(const KafkaLog& log, const KeyOffsets& offsets, const Limits& limits,
                      const SafeEnd& end = {});

}  // namespace eddy::core::kafka
