// InitHandshake: Maelstrom's setup step (maelstrom db.clj), shared by every
// workload. Each node gets `init` (msg_id 1, its own id and every node's)
// from a fresh client c0, c1, ...; each must answer init_ok within 10 s, or
// the test aborts. The clients are closed once answered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/message.h"
#include "sim/world.h"

namespace eddy::sim {

class InitHandshake {
 public:
  enum class Outcome : uint8_t { kPending, kAllAnswered, kFailed };

  // `next_client_id` is the workload's counter of client ids: init takes the
  // first N, the workload's own clients come after.
  InitHandshake(World& world, std::vector<std::string> node_names, int64_t& next_client_id);

  void start();
  // A message to one of init's clients (others are ignored: kPending).
  Outcome on_client_message(EndpointId client, const core::Message& message);
  // A ClientTimeoutEvent with a negative worker: init's 10 s for one node.
  Outcome on_timeout(const ClientTimeoutEvent& event);
  // True if `event` is one of init's timeouts.
  static bool is_init_timeout(const ClientTimeoutEvent& event) { return event.worker < 0; }

  const std::string& failure() const { return failure_; }

 private:
  World& world_;
  std::vector<std::string> node_names_;
  int64_t& next_client_id_;
  std::vector<EndpointId> clients_;
  std::vector<bool> answered_;
  std::string failure_;
};

}  // namespace eddy::sim
