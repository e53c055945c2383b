// Serving the kafka requests from a node's own KafkaLog: all of the single
// strategy, the leader's side of the leader strategy, and the one way every
// strategy answers list_committed_offsets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/context.h"
#include "core/kafka/log.h"
#include "core/message.h"

namespace eddy::core::kafka {

// True for send, poll, commit_offsets and list_committed_offsets.
bool is_kafka_request(const Body& body);

// Answers one of the four from `log` (send appends at the next offset, poll
// reads with poll_reply, commit takes the maximum). Pre: is_kafka_request.
void serve_from_log(Context& ctx, Message& request, KafkaLog& log);

// The reply to list_committed_offsets: sorted and unique, whatever order (or
// repeats) the request has, and without keys never committed (answering -1
// or 0 for them would move a fresh consumer to a wrong position).
ListCommittedOffsetsOkBody list_reply(
    const std::vector<std::string>& keys,
    const std::function<std::optional<int64_t>(std::string_view)>& committed);

}  // namespace eddy::core::kafka
