#include "core/kafka/local_service.h"

#include <algorithm>
#include <utility>
#include <vector>

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
  // Sorted by key, each key once: a sorted vector, not a map of a node per key.
  std::vector<std::pair<std::string_view, int64_t>> offsets;
  offsets.reserve(keys.size());
  for (const std::string& key : keys) {
    if (const auto offset = committed(key)) offsets.emplace_back(key, *offset);
  }
  std::sort(offsets.begin(), offsets.end());
  const auto same_key = [](const auto& a, const auto& b) { return a.first == b.first; };
  offsets.erase(std::unique(offsets.begin(), offsets.end(), same_key), offsets.end());
  ListCommittedOffsetsOkBody list_ok;
  list_ok.offsets.reserve(offsets.size());
  for (const auto& [key, offset] : offsets) list_ok.offsets.emplace_back(key, offset);
  return list_ok;
}

}  // namespace eddy::core::kafka
