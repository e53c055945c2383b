// SimCluster's agenda, network and leader bookkeeping (contract in the
// header).
#include "core/sim_cluster.h"

#include <memory>
#include <utility>

#include "core/invariant.h"
#include "core/overloaded.h"

namespace eddy::core {

SimCluster::SimCluster(int size, const Rng& rng, ClientInbox inbox,
                       const kv::RaftKvOptions& options)
    : network_(rng.stream("network")), inbox_(std::move(inbox)) {
  EDDY_INVARIANT(size >= 1, "a cluster needs a node");
  for (int i = 1; i <= size; ++i) names_.push_back("n" + std::to_string(i));
  members_.reserve(names_.size());
  for (size_t i = 0; i < names_.size(); ++i) {
    auto app = std::make_unique<kv::RaftKv>(options);
    const kv::RaftKv* view = app.get();
    const uint64_t seed = rng.stream("node " + names_[i]).next_u64();
    members_.push_back(
        Member{names_[i], Node(NodeConfig{Limits{}, seed}, std::move(app)), view, {}, 0});
    index_.emplace(names_[i], i);
  }
  on_side_.assign(names_.size(), false);
  for (size_t i = 0; i < names_.size(); ++i) {
    Message init{std::string(kInitClient), names_[i], 1, std::nullopt, InitBody{names_[i], names_}};
    schedule(0, Delivery{std::move(init)});
  }
}

SimCluster::AgendaKey SimCluster::schedule(int64_t due_ms, Item item) {
  const AgendaKey key{due_ms, next_seq_++};
  agenda_.emplace(key, std::move(item));
  return key;
}

void SimCluster::send_from_client(Message message) {
  schedule(now_ms_ + network_.between(kLatencyMsMin, kLatencyMsMax), Delivery{std::move(message)});
}

void SimCluster::at(int64_t due_ms, std::function<void()> callback) {
  schedule(due_ms < now_ms_ ? now_ms_ : due_ms, Callback{std::move(callback)});
}

bool SimCluster::step() {
  if (agenda_.empty()) return false;
  auto first = agenda_.begin();
  now_ms_ = first->first.first;
  Item item = std::move(first->second);
  agenda_.erase(first);
  std::visit(Overloaded{
                 [&](Delivery& delivery) { deliver(std::move(delivery.message)); },
                 [&](NodeTimer& timer) {
                   members_[timer.member].timers.erase(timer.timer);
                   run_member(timer.member, TimerFired{timer.timer});
                 },
                 [&](Callback& callback) { callback.run(); },
             },
             item);
  return true;
}

void SimCluster::deliver(Message message) {
  const size_t to = member_of(message.dest);
  if (to == size()) {
    if (message.dest != kInitClient) inbox_(std::move(message));
    return;
  }
  const size_t from = member_of(message.src);
  if (from != size() && !link_up(from, to)) return;  // cut while it was in flight
  run_member(to, Received{std::move(message)});
}

void SimCluster::run_member(size_t index, Event event) {
  Member& member = members_[index];
  effects_.clear();
  member.node.step(now_ms_, std::move(event), effects_);
  if (const raft::Raft* raft = member.app->raft();
      raft != nullptr && raft->role() == raft::Role::kLeader && raft->term() > member.led_term) {
    member.led_term = raft->term();
    elections_.push_back(Election{now_ms_, raft->term(), member.name});
  }
  for (Effect& effect : effects_) {
    std::visit(Overloaded{
                   [&](SendEffect& send) { route(index, std::move(send.message)); },
                   [&](SetTimerEffect& set) {
                     const auto pending = member.timers.find(set.timer);
                     if (pending != member.timers.end()) {
                       agenda_.erase(pending->second);
                       member.timers.erase(pending);
                     }
                     member.timers.emplace(set.timer,
                                           schedule(set.due_ms < now_ms_ ? now_ms_ : set.due_ms,
                                                    NodeTimer{index, set.timer}));
                   },
                   [](LogEffect&) {},
                   [](PersistEffect&) {},
               },
               effect);
  }
}

void SimCluster::route(size_t from, Message message) {
  const size_t to = member_of(message.dest);
  if (to != size() && !link_up(from, to)) return;  // cut when sent
  schedule(now_ms_ + network_.between(kLatencyMsMin, kLatencyMsMax), Delivery{std::move(message)});
}

void SimCluster::partition(const std::vector<std::string>& side) {
  on_side_.assign(size(), false);
  for (const std::string& name : side) {
    const size_t index = member_of(name);
    EDDY_INVARIANT(index != size(), "a partition names a node that does not exist");
    on_side_[index] = true;
  }
  partitioned_ = true;
}

void SimCluster::heal() { partitioned_ = false; }

bool SimCluster::link_up(size_t a, size_t b) const {
  return !partitioned_ || on_side_[a] == on_side_[b];
}

size_t SimCluster::member_of(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? size() : it->second;
}

std::string SimCluster::leader() const {
  const Member* best = nullptr;
  for (const Member& member : members_) {
    const raft::Raft* raft = member.app->raft();
    if (raft == nullptr || raft->role() != raft::Role::kLeader) continue;
    if (best == nullptr || raft->term() > best->app->raft()->term()) best = &member;
  }
  return best == nullptr ? std::string() : best->name;
}

}  // namespace eddy::core
