// NodeHost: one core::Node inside the simulator, the same class eddy-node
// runs. It executes the node's effects in virtual time: sends go to the
// network, timers to the agenda, logs to an optional buffer.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/node.h"
#include "sim/world.h"

namespace eddy::sim {

class NodeHost {
 public:
  NodeHost(World& world, int index, std::string name, core::Node node);

  const std::string& name() const { return name_; }
  EndpointId endpoint() const { return endpoint_; }

  void receive(core::Message message);
  // A NodeTimerEvent came due; ignored if the timer has moved since.
  void on_timer(const NodeTimerEvent& event);
  void check_invariants() const { node_.check_invariants(); }

  int64_t steps() const { return steps_; }
  // What the node has made durable so far (its PersistEffects, folded).
  const core::Persisted& disk() const { return disk_; }
  const std::vector<std::string>& log_lines() const { return log_lines_; }

 private:
  void step(core::Event event);

  World& world_;
  int index_;
  std::string name_;
  EndpointId endpoint_;
  core::Node node_;
  std::map<core::TimerId, TimeUs> timers_;  // pending timers and their due times
  std::vector<core::Effect> effects_;
  std::vector<std::string> log_lines_;
  core::Persisted disk_;
  int64_t steps_ = 0;
};

}  // namespace eddy::sim
