// Host: one node of the cluster as the simulation, the nemesis and the
// checks see it, however it runs:
//  - NodeHost (sim/node_host.h): a core::Node stepped in virtual time, the
//    simulator's own nodes, whose Raft and disk the checks can look into;
//  - ProcessHost (sim/process/process_host.h): any Maelstrom binary as a
//    child process, fed in real time (`eddy-sim test --bin`), a black box.
// The network, the workloads, the services and the nemesis are the same for
// both: only how a node is hosted differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/message.h"
#include "core/persist.h"
#include "core/raft/raft.h"
#include "sim/sim_event.h"

namespace eddy::sim {

class Host {
 public:
  virtual ~Host() = default;

  virtual const std::string& name() const = 0;
  virtual EndpointId endpoint() const = 0;

  // A message the network delivers to the node.
  virtual void receive(core::Message&& message) = 0;

  // The crash nemesis: kills the node's process (`tear`: the crash may land
  // in its last write, where the host can tell; true if one was lost), and
  // starts it again, re-initialised with `node_ids`.
  virtual bool crash(bool tear) = 0;
  virtual void restart(const std::vector<std::string>& node_ids) = 0;
  virtual bool up() const = 0;
  virtual int64_t restarts() const = 0;

  // What the host can show of the node's insides; a process shows nothing.
  // The running node's Raft, or null.
  virtual const core::raft::Raft* raft() const { return nullptr; }
  // What the node made durable, or null when the host cannot see it.
  virtual const core::Persisted* durable() const { return nullptr; }
  // False while the node's memory is ahead of what it did (NodeHost::settled).
  virtual bool settled() const { return true; }
  // True while a crash could still tear its last write (NodeHost's).
  virtual bool last_write_may_tear() const { return false; }
  virtual void check_invariants() const {}

  // Agenda events of in-process nodes (a process schedules none).
  virtual void on_timer(const NodeTimerEvent& /*event*/) {}
  virtual void on_disk(const NodeDiskEvent& /*event*/) {}

  // Node steps run (in-process), or lines read (a process).
  virtual int64_t steps() const = 0;
  // The node's log lines (its LogEffects; a process's stderr, by line), kept
  // when SimOptions::node_logs is set.
  virtual std::vector<std::string> log_lines() const = 0;
};

}  // namespace eddy::sim
