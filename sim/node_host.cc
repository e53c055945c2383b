#include "sim/node_host.h"

#include <algorithm>
#include <utility>

#include "core/invariant.h"
#include "core/overloaded.h"

namespace eddy::sim {

const core::raft::Raft* NodeHost::raft() const {
  return node_ == nullptr ? nullptr : node_->application().raft();
}
namespace {

// A paused process runs nothing; what it would have run is retried this
// much later.
constexpr TimeUs kPausedRetryUs = 10'000;

}  // namespace

NodeHost::NodeHost(World& world, int index, std::string name, ApplicationFactory factory,
                   const core::Rng& streams)
    : world_(world),
      index_(index),
      name_(std::move(name)),
      endpoint_(world.network.add_endpoint(name_, EndpointKind::kNode)),
      factory_(std::move(factory)),
      restart_seeds_(streams.stream("restart")),
      disk_rng_(streams.stream("disk")) {
  const int64_t skew_max_ms = world.options.clock_skew_ms;
  if (skew_max_ms > 0) {
    core::Rng clock = streams.stream("clock");
    clock_ahead_ms_ = skew_max_ms + clock.between(-skew_max_ms, skew_max_ms);
  }
  // The first incarnation's seed is the stream's first draw, as it always was.
  core::Rng first = streams;
  node_ = make_node(first.next_u64());
}

std::unique_ptr<core::Node> NodeHost::make_node(uint64_t seed) {
  return std::make_unique<core::Node>(core::NodeConfig{world_.options.limits, seed},
                                      factory_(index_));
}

void NodeHost::receive(core::Message&& message) {
  // Read where it lies (the network's pool): no Event is built around it.
  run_step([&] { node_->receive(node_now_ms(), message, effects_); });
}

void NodeHost::on_timer(const NodeTimerEvent& event) {
  const auto it = timers_.find(event.timer);
  if (it == timers_.end() || it->second != event.due_us) return;  // moved, fired, or crashed
  if (world_.network.paused(endpoint_)) {
    // A paused process runs nothing; its timer fires once it can.
    it->second = world_.now_us + kPausedRetryUs;
    world_.at(it->second, NodeTimerEvent{index_, event.timer, it->second});
    return;
  }
  timers_.erase(it);
  step(core::TimerFired{event.timer});
}

void NodeHost::on_disk(const NodeDiskEvent& event) {
  if (!write_done_us_ || *write_done_us_ != event.due_us) return;  // lost to a crash
  if (world_.network.paused(endpoint_)) {
    write_done_us_ = world_.now_us + kPausedRetryUs;
    world_.at(*write_done_us_, NodeDiskEvent{index_, *write_done_us_});
    return;
  }
  write_done_us_.reset();
  complete_write(std::get<core::PersistEffect>(held_.front()));
  held_.pop_front();
  while (!held_.empty()) {
    if (!run_effect(held_.front())) return;  // the next slow write, now in progress
    held_.pop_front();
  }
}

void NodeHost::step(core::Event&& event) {
  run_step([&] { node_->step(node_now_ms(), std::move(event), effects_); });
}

template <class StepNode>
void NodeHost::run_step(StepNode&& step_node) {
  EDDY_INVARIANT(node_ != nullptr, "node " + name_ + " stepped while it is down");
  effects_.clear();
  step_node();
  ++steps_;
  const int64_t every = world_.options.invariant_check_every_steps;
  if (every > 0 && steps_ % every == 0) node_->check_invariants();
  for (core::Effect& effect : effects_) {
    // Behind a write in progress, everything waits its turn.
    if (!held_.empty() || !run_effect(effect)) held_.push_back(std::move(effect));
  }
  world_.raft_state_seen = world_.raft_state_seen || raft() != nullptr;
}

bool NodeHost::run_effect(core::Effect& effect) {
  return std::visit(
      core::Overloaded{
          [&](core::SendEffect& send) {
            if (send.message.dest == kRestartInitClient) {
              // The restart's init_ok: Maelstrom's init client is long gone.
              EDDY_INVARIANT(std::holds_alternative<core::InitOkBody>(send.message.body),
                             "node " + name_ + " answered its restart's init with " +
                                 std::string(core::body_type(send.message.body)));
              return true;
            }
            sent_since_last_write_ = true;
            if (send.message.src == name_) {
              world_.network.send(world_.now_us, std::move(send.message), endpoint_);
            } else {
              world_.network.send(world_.now_us, std::move(send.message));  // a confused node
            }
            return true;
          },
          [&](core::SetTimerEffect& timer) {
            // Node time is in ms on the node's clock; a due time in the past
            // fires at once.
            const TimeUs due_us = std::max(world_.now_us, (timer.due_ms - clock_ahead_ms_) * 1000);
            timers_[timer.timer] = due_us;
            world_.at(due_us, NodeTimerEvent{index_, timer.timer, due_us});
            return true;
          },
          [&](core::LogEffect& log) {
            log_line(log.text);
            return true;
          },
          [&](core::PersistEffect& persist) {
            const SimOptions& o = world_.options;
            if (o.slow_disk_p > 0 && disk_rng_.chance(o.slow_disk_p)) {
              write_done_us_ = world_.now_us + o.slow_disk_ms * 1000;
              world_.at(*write_done_us_, NodeDiskEvent{index_, *write_done_us_});
              return false;
            }
            complete_write(persist);
            return true;
          },
      },
      effect);
}

void NodeHost::complete_write(const core::PersistEffect& persist) {
  // Only torn writes need the disk as it was before its last write.
  if (world_.options.torn_writes) disk_before_last_write_ = disk_;
  sent_since_last_write_ = false;
  const bool follows = disk_.apply(persist);
  world_.raft_state_seen = world_.raft_state_seen || !disk_.empty();
  EDDY_INVARIANT(follows, "node " + name_ +
                              " persisted an effect that does not follow from what it had "
                              "persisted");
}

bool NodeHost::crash(bool tear) {
  EDDY_INVARIANT(node_ != nullptr, "node " + name_ + " crashed while it is down");
  bool torn = false;
  if (write_done_us_) {
    // The crash lands during the write in progress: lost if torn, else whole.
    torn = tear;
    if (!torn) complete_write(std::get<core::PersistEffect>(held_.front()));
  } else if (tear && disk_before_last_write_ && !sent_since_last_write_) {
    // Nothing has left since the last write: the crash may have hit it.
    disk_ = std::move(*disk_before_last_write_);
    torn = true;
  }
  // What follows a crash restarts from what is on disk: no older write can
  // be torn by a later crash.
  disk_before_last_write_.reset();
  sent_since_last_write_ = false;
  write_done_us_.reset();
  held_.clear();
  timers_.clear();
  node_.reset();
  world_.network.crash(endpoint_);
  log_line(torn ? "crashed (its last write torn)" : "crashed");
  return torn;
}

void NodeHost::restart(const std::vector<std::string>& node_ids) {
  EDDY_INVARIANT(node_ == nullptr, "node " + name_ + " restarted while it is up");
  world_.network.restart(endpoint_);
  node_ = make_node(restart_seeds_.next_u64());
  ++restarts_;
  log_line("restarted from disk: term " + std::to_string(disk_.hard_state.term) + ", " +
           std::to_string(disk_.entries.size()) + " entries" +
           (disk_.snapshot ? ", a snapshot through " + std::to_string(disk_.snapshot->index) : ""));
  node_->restore(disk_);
  // maelstrom db.clj starts a process with init, from a client of its own.
  step(core::Received{core::Message{std::string(kRestartInitClient), name_, 1, std::nullopt,
                                    core::InitBody{name_, node_ids}}});
}

void NodeHost::log_line(const std::string& text) {
  if (!world_.options.node_logs) return;
  log_lines_.push_back(std::to_string(world_.now_us / 1000) + "ms " + text);
}

}  // namespace eddy::sim
