#include "core/context.h"

#include <cassert>
#include <utility>

namespace eddy::core {

Context::Context(Limits limits, uint64_t seed) : limits_(limits), rng_(seed) {}

void Context::begin_step(int64_t now_ms, std::vector<Effect>& out) {
  assert(out_ == nullptr && "Node::step is not reentrant");
  // Time never goes backwards inside a node, whatever the driver's clock does.
  if (now_ms > now_ms_) now_ms_ = now_ms;
  out_ = &out;
}

void Context::end_step() { out_ = nullptr; }

void Context::emit(Effect effect) {
  assert(out_ != nullptr && "effects are only emitted inside Node::step");
  out_->push_back(std::move(effect));
}

void Context::emit_send(Message&& message) {
  assert(out_ != nullptr && "effects are only emitted inside Node::step");
  // Built in the step's effects: a message is moved once to get there, not
  // through a SendEffect and an Effect on the way (three moves, each of two
  // strings and a body's variant).
  out_->emplace_back(std::in_place_type<SendEffect>, std::move(message));
}

void Context::reply(const Message& request, Body body) {
  // Before init the node has no name yet; answer as whoever the sender addressed.
  const std::string& self = initialised() ? node_id_ : request.dest;
  emit_send(Message{self, request.src, next_msg_id(), request.msg_id, std::move(body)});
}

void Context::send(const std::string& dest, Body body) {
  emit_send(Message{node_id_, dest, next_msg_id(), std::nullopt, std::move(body)});
}

int64_t Context::call(const std::string& dest, Body body, int64_t timeout_ms, RpcCallback on_done) {
  assert(on_done);
  const int64_t msg_id = next_msg_id();
  pending_.emplace(msg_id, PendingCall{dest, std::move(on_done)});
  emit_send(Message{node_id_, dest, msg_id, std::nullopt, std::move(body)});
  emit(SetTimerEffect{TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(msg_id)},
                      now_ms_ + timeout_ms});
  return msg_id;
}

void Context::set_timer(uint64_t arg, int64_t due_ms) {
  emit(SetTimerEffect{TimerId{TimerKind::kApplication, arg}, due_ms});
}

void Context::log(LogLevel level, std::string text) { emit(LogEffect{level, std::move(text)}); }

void Context::persist(PersistEffect effect) { emit(std::move(effect)); }

bool Context::complete_call(int64_t msg_id, RpcResult result) {
  const auto it = pending_.find(msg_id);
  if (it == pending_.end()) return false;
  RpcCallback on_done = std::move(it->second.on_done);
  pending_.erase(it);  // before the callback, which may start new calls
  on_done(*this, std::move(result));
  return true;
}

}  // namespace eddy::core
