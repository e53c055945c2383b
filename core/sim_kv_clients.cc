// SimKvClients: drawing ops, and turning replies and timeouts into Jepsen's
// completions (contract in the header).
#include "core/sim_kv_clients.h"

#include <utility>

#include "core/error_code.h"
#include "core/invariant.h"

namespace eddy::core {

SimKvClients::SimKvClients(SimCluster& cluster, int count, Rng rng, std::function<void()> on_free)
    : cluster_(cluster), rng_(rng), on_free_(std::move(on_free)) {
  EDDY_INVARIANT(count >= 1, "a workload needs a client");
  for (int i = 0; i < count; ++i) {
    Client client;
    client.name = "c" + std::to_string(i + 1);
    client.process = i;
    index_.emplace(client.name, clients_.size());
    clients_.push_back(std::move(client));
  }
}

Body SimKvClients::random_op(Client& client, KvHistoryRecord& invocation) {
  Value key(static_cast<int64_t>(rng_.below(kKeys)));
  invocation.key = key;
  client.key = std::move(key);
  switch (rng_.below(3)) {
    case 0:
      client.f = invocation.f = KvF::kRead;
      return KvReadBody{client.key};
    case 1: {
      client.f = invocation.f = KvF::kWrite;
      Value value(rng_.between(0, kValueMax));
      invocation.value = value;
      return KvWriteBody{client.key, std::move(value)};
    }
    default: {
      client.f = invocation.f = KvF::kCas;
      Value from(rng_.between(0, kValueMax));
      Value to(rng_.between(0, kValueMax));
      invocation.from = from;
      invocation.to = to;
      return KvCasBody{client.key, std::move(from), std::move(to), false};
    }
  }
}

void SimKvClients::invoke(bool during_partition) {
  EDDY_INVARIANT(any_free(), "invoke() with every client busy");
  // The k-th free client, k uniform: no client is favoured.
  uint64_t skip = rng_.below(static_cast<uint64_t>(clients_.size() - static_cast<size_t>(busy_)));
  size_t index = 0;
  for (;; ++index) {
    if (clients_[index].busy) continue;
    if (skip == 0) break;
    --skip;
  }
  Client& client = clients_[index];
  const std::string& node = cluster_.names()[rng_.below(cluster_.size())];
  KvHistoryRecord invocation;
  invocation.process = client.process;
  invocation.type = KvEventType::kInvoke;
  invocation.position = static_cast<int64_t>(history_.size());
  Body body = random_op(client, invocation);
  history_.push_back(std::move(invocation));

  client.busy = true;
  client.msg_id = client.next_msg_id++;
  client.during_partition = during_partition;
  ++busy_;
  ++tally_.invoked;
  if (during_partition) ++tally_.invoked_during_partition;
  cluster_.send_from_client(
      Message{client.name, node, client.msg_id, std::nullopt, std::move(body)});
  cluster_.at(cluster_.now_ms() + kTimeoutMs,
              [this, index, msg_id = client.msg_id] { on_timeout(index, msg_id); });
}

void SimKvClients::on_timeout(size_t index, int64_t msg_id) {
  const Client& client = clients_[index];
  if (!client.busy || client.msg_id != msg_id) return;  // answered in time
  // Maelstrom's :net-timeout: a read changed nothing, so it failed.
  complete(index, client.f == KvF::kRead ? KvEventType::kFail : KvEventType::kInfo, std::nullopt,
           "net-timeout", static_cast<int32_t>(ErrorCode::kTimeout));
}

void SimKvClients::on_message(Message message) {
  const auto it = index_.find(message.dest);
  if (it == index_.end()) return;
  const Client& client = clients_[it->second];
  if (!client.busy || message.in_reply_to != client.msg_id) return;  // late: already completed
  if (auto* read_ok = std::get_if<KvReadOkBody>(&message.body); read_ok && client.f == KvF::kRead) {
    return complete(it->second, KvEventType::kOk, std::move(read_ok->value), {}, 0);
  }
  if ((std::holds_alternative<KvWriteOkBody>(message.body) && client.f == KvF::kWrite) ||
      (std::holds_alternative<KvCasOkBody>(message.body) && client.f == KvF::kCas)) {
    return complete(it->second, KvEventType::kOk, std::nullopt, {}, 0);
  }
  if (const auto* error = std::get_if<ErrorBody>(&message.body)) {
    const bool fails = is_definite(error->code) || client.f == KvF::kRead;
    return complete(it->second, fails ? KvEventType::kFail : KvEventType::kInfo, std::nullopt,
                    std::string(error_name(error->code)) + ": " + error->text, error->code);
  }
  // A reply of the wrong type escapes Maelstrom's error handling: :info.
  complete(it->second, KvEventType::kInfo, std::nullopt,
           "unexpected reply '" + std::string(body_type(message.body)) + "'", 0);
}

void SimKvClients::complete(size_t index, KvEventType type, std::optional<Value> read_value,
                            std::string error, int32_t code) {
  Client& client = clients_[index];
  KvHistoryRecord completion;
  completion.process = client.process;
  completion.type = type;
  completion.f = client.f;
  completion.key = client.key;
  completion.value = std::move(read_value);
  completion.position = static_cast<int64_t>(history_.size());
  completion.error = std::move(error);
  history_.push_back(std::move(completion));

  switch (type) {
    case KvEventType::kOk:
      ++tally_.ok;
      if (client.during_partition) ++tally_.ok_during_partition;
      break;
    case KvEventType::kFail:
      ++tally_.fail;
      ++tally_.fail_by_code[code];
      break;
    case KvEventType::kInfo:
      ++tally_.info;
      // Jepsen's reusable client moves to a new process after an :info.
      client.process += static_cast<int64_t>(clients_.size());
      break;
    case KvEventType::kInvoke:
      EDDY_INVARIANT(false, "a completion cannot be an invocation");
  }
  client.busy = false;
  --busy_;
  on_free_();
}

}  // namespace eddy::core
