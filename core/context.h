// Context: what an application handler may do during one Node::step. Every
// method only appends effects or updates the runtime's own tables; nothing
// blocks, sleeps or reads a clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/event.h"
#include "core/limits.h"
#include "core/message.h"
#include "core/random.h"
#include "core/result.h"

namespace eddy::core {

class Context;

// The outcome of a call: the reply message, or an error. A remote error reply
// keeps its code; a call that got no reply in time completes with code 0
// (timeout, indefinite): the request may or may not have been acted on.
using RpcResult = Result<Message, ErrorBody>;
using RpcCallback = std::function<void(Context&, RpcResult)>;

class Context {
 public:
  Context(Limits limits, uint64_t seed);

  int64_t now_ms() const { return now_ms_; }
  bool initialised() const { return !node_id_.empty(); }
  const std::string& node_id() const { return node_id_; }
  const std::vector<std::string>& node_ids() const { return node_ids_; }
  const Limits& limits() const { return limits_; }
  Rng& rng() { return rng_; }

  // Answers `request` (in_reply_to = its msg_id, when it has one).
  void reply(const Message& request, Body body);
  // Sends a one-way message with a fresh msg_id.
  void send(const std::string& dest, Body body);
  // Sends a request and runs `on_done` exactly once: with the reply, or with a
  // timeout error once `timeout_ms` has passed. Returns the call's msg_id.
  int64_t call(const std::string& dest, Body body, int64_t timeout_ms, RpcCallback on_done);
  // Asks for on_timer(arg) of the application at `due_ms`.
  void set_timer(uint64_t arg, int64_t due_ms);
  void log(LogLevel level, std::string text);
  // Hands `effect` to the driver, which makes it durable before it executes
  // anything emitted after it (core/persist.h).
  void persist(PersistEffect effect);

  size_t pending_calls() const { return pending_.size(); }

 private:
  friend class Node;

  struct PendingCall {
    std::string dest;
    RpcCallback on_done;
  };

  void begin_step(int64_t now_ms, std::vector<Effect>& out);
  void end_step();
  void emit(Effect effect);
  void emit_send(Message&& message);
  int64_t next_msg_id() { return next_msg_id_++; }
  // Completes a pending call with `result`; false if no call has that id
  // (a late reply after its timeout, or a duplicate).
  bool complete_call(int64_t msg_id, RpcResult result);

  Limits limits_;
  Rng rng_;
  std::string node_id_;
  std::vector<std::string> node_ids_;
  int64_t now_ms_ = 0;
  int64_t next_msg_id_ = 1;
  std::map<int64_t, PendingCall> pending_;
  std::vector<Effect>* out_ = nullptr;
};

}  // namespace eddy::core
