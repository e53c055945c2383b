// NodeHost: one node's process inside the simulator, running the same
// core::Node class eddy-node runs. It executes the node's effects in virtual
// time: sends go to the network, timers to the agenda, logs to an optional
// buffer, PersistEffects to the node's disk (`disk()`: what a restart
// restores from). It also plays the faults that live in a process:
//
//  - Crash (`crash`, `restart`; the nemesis's "crash"): the core::Node is
//    destroyed, its pending timers and unexecuted effects with it, and the
//    network drops what is addressed to it; a restart builds a fresh Node from
//    the same ApplicationFactory (its seed the next of the node's "restart"
//    stream), restores it from the disk, and re-initialises it as Maelstrom
//    starts a process: an `init` with its id and every node's, delivered
//    directly, whose init_ok goes to no client.
//  - Torn writes (SimOptions::torn_writes): a crash may land in the middle of
//    the node's last write, which is then lost. It can only have landed there
//    if nothing the node executed after that write has left it: a write that
//    is still in progress (slow disk, below), or the last completed one when
//    the node has sent nothing since. Otherwise the last write was whole
//    before anything that depended on it went out (core/persist.h), and a
//    crash cannot tear it: losing it would model a disk that lies about
//    fsync, which no protocol survives. Without torn writes a write that has
//    begun is kept whole.
//  - Slow disk (SimOptions::slow_disk_p, slow_disk_ms): a PersistEffect, with
//    probability p, becomes durable slow_disk_ms later. The driver executes
//    effects in order, so everything after it, from this step and from the
//    node's later steps, is held behind it (sends leave and timers are set
//    when it completes). The node itself keeps stepping, as a driver whose
//    disk writes run beside its event loop but whose output stays in order
//    (etcd's raft: persist the Ready, then send it).
//  - Clock skew (SimOptions::clock_skew_ms = K): the node's clock reads the
//    simulator's plus K plus a constant skew drawn from U[-K, K] (the
//    node's "clock" stream), so clocks differ by up to 2K, none reads below
//    0, and none goes backwards, across restarts too.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/node.h"
#include "core/random.h"
#include "sim/host.h"
#include "sim/options.h"
#include "sim/world.h"

namespace eddy::sim {

class NodeHost final : public Host {
 public:
  // `streams` is the node's own random stream: its first draw seeds the first
  // incarnation, its "restart", "clock" and "disk" sub-streams the rest.
  NodeHost(World& world, int index, std::string name, ApplicationFactory factory,
           const core::Rng& streams);

  const std::string& name() const override { return name_; }
  EndpointId endpoint() const override { return endpoint_; }

  void receive(core::Message&& message) override;
  // A NodeTimerEvent came due; ignored if the timer has moved since, or if
  // the incarnation that set it has crashed.
  void on_timer(const NodeTimerEvent& event) override;
  // A slow write came due (NodeDiskEvent); ignored if it was lost to a crash.
  void on_disk(const NodeDiskEvent& event) override;
  void check_invariants() const override {
    if (node_) node_->check_invariants();
  }

  // Kills the node's process. `tear`: the crash lands in the middle of its
  // last write, if it can have (see above). Returns true if a write was lost.
  bool crash(bool tear) override;
  // Starts a fresh process from the disk and re-initialises it with
  // `node_ids` (every node of the cluster).
  void restart(const std::vector<std::string>& node_ids) override;
  bool up() const override { return node_ != nullptr; }
  // The running node, or null while it is down.
  const core::Node* node() const { return node_.get(); }
  // The running node's Raft (core::Application::raft), or null.
  const core::raft::Raft* raft() const override;
  // False while effects of the node's last step wait behind a slow write:
  // its memory is then ahead of what it made durable and of what it did.
  bool settled() const override { return held_.empty() && !write_done_us_; }
  // True while a crash could still tear the last write (--torn-writes, and
  // nothing has left since it): what the node's memory built on that write
  // (a commit counted on it) has not been shown to anyone and may vanish.
  bool last_write_may_tear() const override {
    return disk_before_last_write_.has_value() && !sent_since_last_write_;
  }

  int64_t steps() const override { return steps_; }
  int64_t restarts() const override { return restarts_; }
  // What the node has made durable so far (its completed PersistEffects, folded).
  const core::Persisted& disk() const { return disk_; }
  const core::Persisted* durable() const override { return &disk_; }
  // What the node's clock reads ahead of the simulator's, in ms (0 without skew).
  int64_t clock_ahead_ms() const { return clock_ahead_ms_; }
  std::vector<std::string> log_lines() const override { return log_lines_; }

  // The client name a restart's init comes from; nothing is ever sent to it.
  static constexpr std::string_view kRestartInitClient = "c-restart-init";

 private:
  std::unique_ptr<core::Node> make_node(uint64_t seed);
  int64_t node_now_ms() const { return world_.now_ms() + clock_ahead_ms_; }
  void step(core::Event&& event);
  // One step of the node (`step_node` calls Node::step or Node::receive into
  // effects_), then its effects run.
  template <class StepNode>
  void run_step(StepNode&& step_node);
  // Executes one effect. Returns false for a write that is now in progress
  // (a slow disk), which the caller keeps at the head of held_.
  bool run_effect(core::Effect& effect);
  // A write is durable: folds it into the disk.
  void complete_write(const core::PersistEffect& persist);
  void log_line(const std::string& text);

  World& world_;
  int index_;
  std::string name_;
  EndpointId endpoint_;
  ApplicationFactory factory_;
  core::Rng restart_seeds_;
  core::Rng disk_rng_;
  int64_t clock_ahead_ms_ = 0;
  std::unique_ptr<core::Node> node_;
  std::map<core::TimerId, TimeUs> timers_;  // pending timers and their due times
  std::vector<core::Effect> effects_;
  // Effects emitted but not executed yet, in order: the head is the write in
  // progress (a PersistEffect) while write_done_us_ is set.
  std::deque<core::Effect> held_;
  std::optional<TimeUs> write_done_us_;
  // Torn writes: the disk before the last completed write, and whether the
  // node has sent anything since it (then the write cannot be torn).
  std::optional<core::Persisted> disk_before_last_write_;
  bool sent_since_last_write_ = false;
  std::vector<std::string> log_lines_;
  core::Persisted disk_;
  int64_t steps_ = 0;
  int64_t restarts_ = 0;
};

}  // namespace eddy::sim
