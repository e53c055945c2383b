// Nemesis: starts and stops faults among the nodes, as Maelstrom's partition
// package does (jepsen nemesis/combined.clj, maelstrom nemesis.clj): the first
// start at the beginning of the main phase, then stop and start alternately,
// each a gap of U[0, 2 * interval) after the last; a final stop (heal) when
// the main phase ends. Clients and services are never cut off.
//
// Faults ("--nemesis"):
//  partition  Maelstrom's grudges, the shape drawn uniformly from: one node
//             isolated, a minority third, majority halves, majorities ring
//             (directional: each node hears only its own window).
//  one-way    Eddy's: a random group of nodes drops everything from the rest,
//             while the rest still hears the group.
//  pause      Eddy's: one node stops taking messages and firing timers until
//             the stop; its queue fills meanwhile.
//  crash      Eddy's (Maelstrom never restarts a node): one node's process is
//             killed, its state, timers and undelivered messages gone, until
//             the stop restarts it from what it made durable and
//             re-initialises it (sim/node_host.h). With --torn-writes, a
//             coin (p 1/2) decides whether the crash lands in its last write.
//             History: "start-crash n2" ("... (its last write torn)"), then
//             "stop-crash (restart n2)".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/random.h"
#include "sim/node_host.h"
#include "sim/world.h"

namespace eddy::sim {

class Nemesis {
 public:
  // `hosts` are the cluster's nodes, in n0..n(N-1) order.
  Nemesis(World& world, core::Rng rng, std::vector<NodeHost*> hosts);

  bool enabled() const { return !faults_.empty(); }
  // Schedules the first action at `start_us` (the main phase's start), if
  // any fault is enabled.
  void begin(TimeUs start_us);
  // A NemesisEvent came due: performs the next start or stop and schedules
  // the one after, unless the main phase's cutoff has passed. Returns what
  // it did, for the history, or nullopt when it did nothing.
  std::optional<std::string> on_event(TimeUs cutoff_us);
  // Performs the next start or stop and returns what it did (for the history).
  std::string step();
  // Heals everything: the final generator's stop.
  std::string heal();
  // When the next step is due, drawn from the stagger.
  TimeUs next_gap_us();

 private:
  std::string start_partition();
  std::string start_one_way();
  std::string start_pause();
  std::string start_crash();
  // Every node drops every node outside its own component.
  void complete_grudge(const std::vector<std::vector<EndpointId>>& components);
  std::vector<EndpointId> shuffled();
  std::string describe(const std::vector<std::vector<EndpointId>>& components) const;

  World& world_;
  core::Rng rng_;
  std::vector<NodeHost*> hosts_;
  std::vector<EndpointId> nodes_;
  std::vector<std::string> faults_;
  bool active_ = false;
  std::vector<EndpointId> paused_;
  std::vector<NodeHost*> crashed_;
};

}  // namespace eddy::sim
