#include "core/node.h"

#include <utility>

#include "core/overloaded.h"
#include "core/partition_test.h"
#include "core/verify_linearizability.h"

namespace eddy::core {

Node::Node(NodeConfig config, std::unique_ptr<Application> application)
    : context_(config.limits, config.seed), application_(std::move(application)) {}

void Node::step(int64_t now_ms, Event event, std::vector<Effect>& out) {
  context_.begin_step(now_ms, out);
  std::visit(Overloaded{
                 [&](Received& received) { on_message(received.message); },
                 [&](TimerFired& fired) { on_timer(fired.timer); },
                 [&](Rejected& rejected) { on_rejected(rejected.error); },
             },
             event);
  context_.end_step();
}

void Node::receive(int64_t now_ms, Message& message, std::vector<Effect>& out) {
  context_.begin_step(now_ms, out);
  on_message(message);
  context_.end_step();
}

std::vector<Effect> Node::step(int64_t now_ms, Event event) {
  std::vector<Effect> out;
  step(now_ms, std::move(event), out);
  return out;
}

void Node::on_message(Message& message) {
  if (message.is_reply()) {
    const int64_t id = *message.in_reply_to;
    // A reply to one of our calls; an error body keeps its code for the caller.
    // The reply is moved to its caller, so its sender is kept for the log.
    std::string src = message.src;
    RpcResult result = std::holds_alternative<ErrorBody>(message.body)
                           ? RpcResult(Err{std::get<ErrorBody>(std::move(message.body))})
                           : RpcResult(std::move(message));
    if (!context_.complete_call(id, std::move(result))) {
      context_.log(LogLevel::kDebug, "dropped a reply to unknown or expired call " +
                                         std::to_string(id) + " from " + src);
    }
    return;
  }
  if (std::holds_alternative<InitBody>(message.body)) return on_init(message);
  if (!context_.initialised()) {
    // Definite: nothing was done. Maelstrom always sends init first, so this
    // only answers a confused client.
    context_.reply(message, ErrorBody{static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable),
                                      "node is not initialised yet: expected init first"});
    return;
  }
  if (const auto* verify = std::get_if<VerifyLinearizabilityBody>(&message.body)) {
    // Seed 003's RPC, the same for every strategy.
    context_.reply(message, answer_verify_linearizability(*verify, context_.limits()));
    return;
  }
  if (const auto* partition_test = std::get_if<PartitionTestBody>(&message.body)) {
    // Seed 003's other RPC: a simulated Raft cluster run inside this step.
    context_.reply(message,
                   answer_partition_test(*partition_test, context_.limits(), context_.rng()));
    return;
  }
  if (!application_->on_request(context_, message)) {
    context_.reply(message, ErrorBody{static_cast<int32_t>(ErrorCode::kNotSupported),
                                      "unsupported message type '" +
                                          std::string(body_type(message.body)) + "'"});
  }
}

void Node::on_init(Message& message) {
  auto& init = std::get<InitBody>(message.body);
  if (init.node_id.empty()) {
    // The codec refuses this too; a Node driven without the codec must as well,
    // since an empty name is how the context tells "not initialised".
    context_.reply(message, ErrorBody{static_cast<int32_t>(ErrorCode::kMalformedRequest),
                                      "init must name a non-empty node_id"});
    return;
  }
  if (context_.initialised()) {
    if (init.node_id == context_.node_id_ && init.node_ids == context_.node_ids_) {
      context_.reply(message, InitOkBody{});  // a retried init is harmless
    } else {
      context_.reply(message, ErrorBody{static_cast<int32_t>(ErrorCode::kMalformedRequest),
                                        "already initialised as " + context_.node_id_});
    }
    return;
  }
  context_.node_id_ = std::move(init.node_id);
  context_.node_ids_ = std::move(init.node_ids);
  context_.log(LogLevel::kInfo, "initialised as " + context_.node_id_ + " of " +
                                    std::to_string(context_.node_ids_.size()) + " nodes");
  application_->on_init(context_);
  context_.reply(message, InitOkBody{});
}

void Node::on_timer(const TimerId& timer) {
  switch (timer.kind) {
    case TimerKind::kRpcTimeout: {
      const auto id = static_cast<int64_t>(timer.arg);
      // No-op when the reply already came: timers are never cancelled.
      context_.complete_call(id, Err{ErrorBody{static_cast<int32_t>(ErrorCode::kTimeout),
                                               "no reply within the call's timeout"}});
      return;
    }
    case TimerKind::kApplication:
      application_->on_timer(context_, timer.arg);
      return;
  }
}

void Node::on_rejected(const DecodeError& error) {
  std::string where = error.src ? " from " + *error.src : std::string(" from an unknown sender");
  context_.log(LogLevel::kWarn, "rejected a message" + where + ": " + error.text);
  if (!error.replyable()) return;
  // Before init the reply is signed with the name the sender used; without
  // one there is no name to sign it with.
  if (!context_.initialised() && !error.dest) return;
  Message request;
  request.src = *error.src;
  request.dest = error.dest.value_or(context_.node_id_);
  request.msg_id = error.msg_id;
  context_.reply(request, ErrorBody{static_cast<int32_t>(error.code), error.text});
}

}  // namespace eddy::core
