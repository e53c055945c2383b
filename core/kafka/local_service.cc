#include "core/kafka/local_service.h"

#include <map>
#include <utility>

#include "core/kafka/poll_reply.h"
#include "core/overloaded.h"

namespace eddy::core::kafka {

bool is_kafka_request(const Body& body) {
  return std::holds_alternative<SendBody>(body) || std::holds_alternative<PollBody>(body) ||
         std::holds_alternative<CommitOffsetsBody>(body) ||
         std::holds_alternative<ListCommittedOffsetsBody>(body);
}

void serve_from_log(Context& ctx, Message& request, KafkaLog& log) {
  std::visit(
      Overloaded{
          [&](SendBody& send) {
            ctx.reply(request, SendOkBody{log.append(send.key, std::move(send.msg))});
          },
          [&](PollBody& poll) { ctx.reply(request, poll_reply(log, poll.offsets, ctx.limits())); },
          [&](CommitOffsetsBody& commit) {
            for (const auto& [key, offset] : commit.offsets) log.commit(key, offset);
            ctx.reply(request, CommitOffsetsOkBody{});
          },
          [&](ListCommittedOffsetsBody& list) {
            ctx.reply(request, list_reply(list.keys, [&](std::string_view key) {
                        return log.committed(key);
                      }));
          },
          [](auto&) {},
      },
      request.body);
}

ListCommittedOffsetsOkBody list_reply(
    const std::vector<std::string>& keys,
    const std::function<std::optional<int64_t>(std::string_view)>& committed) {
  std::map<std::string_view, int64_t> offsets;
  for (const std::string& key : keys) {
    if (const auto offset = committed(key)) offsets.emplace(key, *offset);
  }
  ListCommittedOffsetsOkBody list_ok;
  for (const auto& [key, offset] : offsets) list_ok.offsets.emplace_back(key, offset);
  return list_ok;
}

}  // namespace eddy::core::kafka
