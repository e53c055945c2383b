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
//  partition-leader, crash-leader
//             Eddy's, aimed as Jepsen's "primaries" targets are: the node
//             leading in the highest term (core::Application::raft; a random
//             node when none leads, or the strategy has no leader) is cut off
//             with n - (n/2 + 1) - 1 random others, leaving a bare majority,
//             or crashed as "crash" does. The simulator times how long the
//             rest takes to have a new leader serving (leader_recoveries()).
//  churn-leader
//             Eddy's, aimed at the moments just after an election, where
//             Raft's subtlest rules act (the paper's figure 8: a leader
//             must not count replicas of an earlier term's entry): the
//             leader is cut off as by partition-leader, and the next leader
//             the majority side elects is crashed at a random instant within
//             about a round trip (2 * (latency + 5 ms)) of taking office, its
//             first requests perhaps written only to its own disk. The stop
//             heals the cut; the successor restarts at a random instant 2-4 s
//             later (a process manager's restart delay), so the old
//             leader's side may elect before it returns, with its tail on
//             disk: old and new tails meet as in the paper's figure 8.
//             History: "start-churn-leader [...]", then a plain stop; the
//             successor's crash and restart are in its node log.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/random.h"
#include "sim/host.h"
#include "sim/world.h"

namespace eddy::sim {

class Nemesis {
 public:
  // `hosts` are the cluster's nodes, in n0..n(N-1) order.
  Nemesis(World& world, core::Rng rng, std::vector<Host*> hosts);

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

  // After a leader fault, until a new leader serves or the fault heals:
  // observe() (called by the simulator after each step meanwhile) checks
  // whether a node of the majority side leads a later term and has
  // committed an entry of it (so it can serve reads and writes).
  bool awaiting_leader() const {
    return cut_.has_value() || churn_.has_value() || !restarts_.empty();
  }
  void observe();
  // Per leader fault, virtual time from the fault to a new leader serving.
  const std::vector<TimeUs>& leader_recoveries() const { return recoveries_; }
  // Leader faults healed before any new leader served.
  int64_t leader_faults_unrecovered() const { return unrecovered_; }

 private:
  std::string start_partition();
  std::string start_one_way();
  std::string start_pause();
  std::string start_crash();
  // `churn`: then crash the successor soon after it is elected (churn-leader).
  std::string start_partition_leader(bool churn);
  void observe_churn();
  // Restarts the crashed successors whose time has come.
  void observe_restarts();
  std::vector<std::string> node_ids() const;
  static constexpr TimeUs kChurnRestartMinUs = 2'000'000;
  std::string start_crash_leader();
  // The node leading in the highest term, or a random running node when
  // none does (any node when every one is down).
  Host& leader_or_random();
  // A random running node (churn-leader's may still be down), or null.
  Host* random_up_node();
  // Starts timing a leader fault: `majority` are the nodes left to elect.
  void await_leader(const Host& cut_off, std::vector<const Host*> majority);
  // Every node drops every node outside its own component.
  void complete_grudge(const std::vector<std::vector<EndpointId>>& components);
  std::vector<EndpointId> shuffled();
  std::string describe(const std::vector<std::vector<EndpointId>>& components) const;

  World& world_;
  core::Rng rng_;
  std::vector<Host*> hosts_;
  std::vector<EndpointId> nodes_;
  std::vector<std::string> faults_;
  bool active_ = false;
  std::vector<EndpointId> paused_;
  std::vector<Host*> crashed_;
  struct LeaderCut {
    TimeUs at_us = 0;
    int64_t term = 0;  // the cut-off leader's
    std::vector<const Host*> majority;
  };
  std::optional<LeaderCut> cut_;
  struct Churn {
    int64_t term = 0;  // the cut-off leader's
    std::vector<Host*> majority;
    Host* successor = nullptr;
    std::optional<TimeUs> crash_at_us;  // once the successor is known
  };
  std::optional<Churn> churn_;
  std::vector<Host*> churned_;             // crashed by churn-leader, until the stop
  std::multimap<TimeUs, Host*> restarts_;  // then restarted at these times
  std::vector<TimeUs> recoveries_;
  int64_t unrecovered_ = 0;
};

}  // namespace eddy::sim
