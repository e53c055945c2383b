#include "core/kafka/single_node.h"

#include <map>
#include <string_view>
#include <utility>

#include "core/kafka/poll_reply.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {

void SingleNodeKafka::on_init(Context& ctx) {
  serving_ = ctx.node_ids().size() == 1;
  if (!serving_) {
    ctx.log(LogLevel::kWarn, "strategy 'single' serves a one-node cluster only; this cluster has " +
                                 std::to_string(ctx.node_ids().size()) +
                                 " nodes, so every request will fail");
  }
}

bool SingleNodeKafka::on_request(Context& ctx, Message& request) {
  const bool kafka_request = std::holds_alternative<SendBody>(request.body) ||
                             std::holds_alternative<PollBody>(request.body) ||
                             std::holds_alternative<CommitOffsetsBody>(request.body) ||
                             std::holds_alternative<ListCommittedOffsetsBody>(request.body);
  if (!kafka_request) return false;
  if (!serving_) {
    ctx.reply(request, ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable),
                                 "strategy 'single' cannot serve a multi-node cluster"});
    return true;
  }
  std::visit(
      Overloaded{
          [&](SendBody& send) {
            ctx.reply(request, SendOkBody{log_.append(send.key, std::move(send.msg))});
          },
          [&](PollBody& poll) { ctx.reply(request, poll_reply(log_, poll.offsets, ctx.limits())); },
          [&](CommitOffsetsBody& commit) {
            for (const auto& [key, offset] : commit.offsets) log_.commit(key, offset);
            ctx.reply(request, CommitOffsetsOkBody{});
          },
          [&](ListCommittedOffsetsBody& list) {
            // A map, because KeyOffsets is sorted and unique: a request may
            // list keys in any order, or twice.
            std::map<std::string_view, int64_t> offsets;
            for (const std::string& key : list.keys) {
              // Keys never committed are omitted: answering -1 or 0 would move a
              // fresh consumer to a wrong position.
              if (const auto offset = log_.committed(key)) offsets.emplace(key, *offset);
            }
            ListCommittedOffsetsOkBody list_ok;
            for (const auto& [key, offset] : offsets) list_ok.offsets.emplace_back(key, offset);
            ctx.reply(request, std::move(list_ok));
          },
          [](auto&) {},
      },
      request.body);
  return true;
}

}  // namespace eddy::core::kafka
