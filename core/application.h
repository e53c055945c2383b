// Application: the workload a node serves (a kafka strategy, later Raft's
// key-value store), driven by the Node runtime. The runtime owns init, msg_id
// allocation, RPC correlation and timeouts; an application only sees typed
// requests, replies to its own calls, and its own timers.
#pragma once

#include <cstdint>

#include "core/context.h"
#include "core/message.h"
#include "core/persist.h"

namespace eddy::core {

namespace raft {
class Raft;
}

class Application {
 public:
  virtual ~Application() = default;

  // Called before anything else, on a node that restarts from what its
  // PersistEffects made durable (core/persist.h). Strategies that persist
  // nothing ignore it.
  virtual void restore(const Persisted& /*persisted*/) {}
  // Called once, when init has named the node and its peers.
  virtual void on_init(Context& /*ctx*/) {}
  // Handles a request (a message without in_reply_to) that arrived after init.
  // Returns false if its body type is not served: the runtime then answers
  // error 10 (not-supported). The request may be moved from.
  virtual bool on_request(Context& ctx, Message& request) = 0;
  // A timer set with Context::set_timer(arg, ...) has come due.
  virtual void on_timer(Context& /*ctx*/, uint64_t /*arg*/) {}
  // Aborts with a message if an internal invariant is broken. The simulator
  // calls it after every step.
  virtual void check_invariants() const {}
  // The Raft the application replicates with, or null (not a Raft strategy,
  // or before init). The simulator reads it to check Raft's invariants across
  // the nodes and to aim its leader faults; nothing else may depend on it.
  virtual const raft::Raft* raft() const { return nullptr; }
};

}  // namespace eddy::core
