#include "sim/node_host.h"

#include <utility>

#include "core/invariant.h"
#include "core/overloaded.h"

namespace eddy::sim {

NodeHost::NodeHost(World& world, int index, std::string name, core::Node node)
    : world_(world),
      index_(index),
      name_(std::move(name)),
      endpoint_(world.network.add_endpoint(name_, EndpointKind::kNode)),
      node_(std::move(node)) {}

void NodeHost::receive(core::Message message) { step(core::Received{std::move(message)}); }

void NodeHost::on_timer(const NodeTimerEvent& event) {
  const auto it = timers_.find(event.timer);
  if (it == timers_.end() || it->second != event.due_us) return;  // moved or already fired
  if (world_.network.paused(endpoint_)) {
    // A paused process runs nothing; its timer fires once it can.
    it->second = world_.now_us + 10'000;
    world_.at(it->second, NodeTimerEvent{index_, event.timer, it->second});
    return;
  }
  timers_.erase(it);
  step(core::TimerFired{event.timer});
}

void NodeHost::step(core::Event event) {
  effects_.clear();
  node_.step(world_.now_ms(), std::move(event), effects_);
  ++steps_;
  const int64_t every = world_.options.invariant_check_every_steps;
  if (every > 0 && steps_ % every == 0) node_.check_invariants();
  for (core::Effect& effect : effects_) {
    std::visit(core::Overloaded{
                   [&](core::SendEffect& send) {
                     world_.network.send(world_.now_us, std::move(send.message));
                   },
                   [&](core::SetTimerEffect& timer) {
                     // Node time is in ms; a due time in the past fires at once.
                     const TimeUs due_us = std::max(world_.now_us, timer.due_ms * 1000);
                     timers_[timer.timer] = due_us;
                     world_.at(due_us, NodeTimerEvent{index_, timer.timer, due_us});
                   },
                   [&](core::LogEffect& log) {
                     if (!world_.options.node_logs) return;
                     log_lines_.push_back(std::to_string(world_.now_us / 1000) + "ms " + log.text);
                   },
                   [&](core::PersistEffect& persist) {
                     // The node's disk: what a restart would restore from.
                     const bool follows = disk_.apply(persist);
                     EDDY_INVARIANT(follows,
                                    "a node persisted an effect that does not follow "
                                    "from what it had persisted");
                   },
               },
               effect);
  }
}

}  // namespace eddy::sim
