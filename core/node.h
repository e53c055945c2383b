// Node: the pure core of an Eddy process. Events in, effects out:
//
//   std::vector<Effect> effects;
//   node.step(now_ms, Received{message}, effects);   // or TimerFired, Rejected
//
// It handles Maelstrom's init handshake, answers requests that arrive before
// init (error 11) or that it cannot serve (error 10), turns codec rejections
// into error 12 replies, correlates replies with the calls that wait for them,
// fires call timeouts, and hands everything else to its Application.
// The same class runs inside eddy-node and inside the simulator.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/application.h"
#include "core/context.h"
#include "core/event.h"
#include "core/limits.h"

namespace eddy::core {

struct NodeConfig {
  Limits limits;
  uint64_t seed = 0;  // seeds Context::rng(); the node reads no other randomness
};

class Node {
 public:
  Node(NodeConfig config, std::unique_ptr<Application> application);

  // Processes one event at `now_ms` (a clock that only the driver reads) and
  // appends the resulting effects to `out`, in the order they must be executed.
  void step(int64_t now_ms, Event event, std::vector<Effect>& out);
  std::vector<Effect> step(int64_t now_ms, Event event);
  // step with Received{message}, without moving the message into an Event:
  // the node reads it where it lies and moves out only what it keeps.
  void receive(int64_t now_ms, Message& message, std::vector<Effect>& out);

  // Restores a restarted node from what it persisted; before any step.
  void restore(const Persisted& persisted) { application_->restore(persisted); }
  void check_invariants() const { application_->check_invariants(); }
  const Context& context() const { return context_; }
  const Application& application() const { return *application_; }

 private:
  void on_message(Message& message);
  void on_init(Message& message);
  void on_timer(const TimerId& timer);
  void on_rejected(const DecodeError& error);

  Context context_;
  std::unique_ptr<Application> application_;
};

}  // namespace eddy::core
