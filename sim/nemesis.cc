#include "sim/nemesis.h"

#include <algorithm>

#include "core/raft/raft.h"

namespace eddy::sim {

Nemesis::Nemesis(World& world, core::Rng rng, std::vector<Host*> hosts)
    : world_(world), rng_(rng), hosts_(std::move(hosts)), faults_(world.options.nemesis) {
  for (const Host* host : hosts_) nodes_.push_back(host->endpoint());
}

TimeUs Nemesis::next_gap_us() {
  const auto span_us = static_cast<uint64_t>(2 * world_.options.nemesis_interval_s * 1e6);
  return span_us == 0 ? 0 : static_cast<TimeUs>(rng_.below(span_us));
}

std::vector<EndpointId> Nemesis::shuffled() {
  std::vector<EndpointId> nodes = nodes_;
  for (size_t i = nodes.size(); i > 1; --i) std::swap(nodes[i - 1], nodes[rng_.below(i)]);
  return nodes;
}

std::string Nemesis::describe(const std::vector<std::vector<EndpointId>>& components) const {
  std::string text;
  for (size_t c = 0; c < components.size(); ++c) {
    std::vector<std::string> names;
    for (const EndpointId node : components[c]) names.push_back(world_.network.name(node));
    std::sort(names.begin(), names.end());
    text += c == 0 ? "[" : " | [";
    for (size_t i = 0; i < names.size(); ++i) text += (i ? " " : "") + names[i];
    text += "]";
  }
  return text;
}

void Nemesis::complete_grudge(const std::vector<std::vector<EndpointId>>& components) {
  for (size_t a = 0; a < components.size(); ++a) {
    for (size_t b = 0; b < components.size(); ++b) {
      if (a == b) continue;
      for (const EndpointId dest : components[a]) {
        for (const EndpointId src : components[b]) world_.network.drop(dest, src);
      }
    }
  }
}

std::string Nemesis::start_partition() {
  static constexpr const char* kShapes[] = {"one", "minority-third", "majority", "majorities-ring"};
  const std::string shape = kShapes[rng_.below(4)];
  const size_t n = nodes_.size();
  std::vector<EndpointId> order = shuffled();
  if (shape == "majorities-ring") {
    // Each node hears the floor(n/2) nodes after it on a shuffled ring (its
    // window of a majority) and drops the rest: directional.
    const size_t window = n / 2 + 1;
    std::string text = "start-partition majorities-ring";
    if (n <= 2) return text + " (no cut with " + std::to_string(n) + " nodes)";
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = window; j < n; ++j) world_.network.drop(order[i], order[(i + j) % n]);
    }
    std::vector<std::string> names;
    for (const EndpointId node : order) names.push_back(world_.network.name(node));
    text += " ring";
    for (const std::string& name : names) text += " " + name;
    return text;
  }
  size_t cut = 0;
  if (shape == "one") {
    cut = n > 1 ? 1 : 0;
  } else if (shape == "minority-third") {
    cut = (n - 1) / 3;  // jepsen util minority-third
  } else {
    cut = n / 2;  // bisect: the smaller half first
  }
  if (cut == 0)
    return "start-partition " + shape + " (no cut with " + std::to_string(n) + " nodes)";
  const std::vector<std::vector<EndpointId>> components{
      {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(cut)},
      {order.begin() + static_cast<std::ptrdiff_t>(cut), order.end()}};
  complete_grudge(components);
  return "start-partition " + shape + " " + describe(components);
}

std::string Nemesis::start_one_way() {
  const size_t n = nodes_.size();
  if (n < 2) return "start-one-way (no cut with 1 node)";
  std::vector<EndpointId> order = shuffled();
  const size_t deaf = 1 + rng_.below(n - 1);
  for (size_t i = 0; i < deaf; ++i) {
    for (size_t j = deaf; j < n; ++j) world_.network.drop(order[i], order[j]);
  }
  const std::vector<std::vector<EndpointId>> parts{
      {order.begin(), order.begin() + static_cast<std::ptrdiff_t>(deaf)},
      {order.begin() + static_cast<std::ptrdiff_t>(deaf), order.end()}};
  return "start-one-way " + describe(parts) + " (the first group drops the second)";
}

std::string Nemesis::start_pause() {
  const EndpointId node = nodes_[rng_.below(nodes_.size())];
  world_.network.pause(node);
  paused_.push_back(node);
  return "start-pause " + world_.network.name(node);
}

std::string Nemesis::start_crash() {
  Host* picked = random_up_node();
  if (picked == nullptr) return "start-crash (every node is down)";
  Host& host = *picked;
  const bool tear = world_.options.torn_writes && rng_.chance(0.5);
  const bool torn = host.crash(tear);
  crashed_.push_back(&host);
  return "start-crash " + host.name() + (torn ? " (its last write torn)" : "");
}

Host& Nemesis::leader_or_random() {
  Host* leader = nullptr;
  for (Host* host : hosts_) {
    const core::raft::Raft* raft = host->raft();
    if (raft == nullptr || raft->role() != core::raft::Role::kLeader) continue;
    if (leader == nullptr || raft->term() > leader->raft()->term()) leader = host;
  }
  if (leader != nullptr) return *leader;
  Host* up = random_up_node();
  return up != nullptr ? *up : *hosts_[rng_.below(hosts_.size())];
}

Host* Nemesis::random_up_node() {
  std::vector<Host*> up;
  for (Host* host : hosts_) {
    if (host->up()) up.push_back(host);
  }
  return up.empty() ? nullptr : up[rng_.below(up.size())];
}

void Nemesis::await_leader(const Host& cut_off, std::vector<const Host*> majority) {
  const core::raft::Raft* raft = cut_off.raft();
  if (raft == nullptr || raft->role() != core::raft::Role::kLeader) return;  // nothing to time
  cut_ = LeaderCut{world_.now_us, raft->term(), std::move(majority)};
}

void Nemesis::observe() {
  observe_churn();
  observe_restarts();
  if (!cut_) return;
  for (const Host* host : cut_->majority) {
    const core::raft::Raft* raft = host->raft();
    if (raft == nullptr || raft->role() != core::raft::Role::kLeader ||
        raft->term() <= cut_->term || raft->log().term_at(raft->commit_index()) != raft->term()) {
      continue;
    }
    recoveries_.push_back(world_.now_us - cut_->at_us);
    cut_.reset();
    return;
  }
}

std::string Nemesis::start_partition_leader(bool churn) {
  Host& leader = leader_or_random();
  const size_t n = hosts_.size();
  if (n < 2)
    return churn ? "start-churn-leader (no cut with 1 node)"
                 : "start-partition-leader (no cut with 1 node)";
  std::vector<Host*> others;
  for (Host* host : hosts_) {
    if (host != &leader) others.push_back(host);
  }
  for (size_t i = others.size(); i > 1; --i) std::swap(others[i - 1], others[rng_.below(i)]);
  const size_t majority = n / 2 + 1;
  const size_t with_leader = n - majority - (n == 2 ? 0 : 1);  // n = 2: the leader alone
  std::vector<EndpointId> minority{leader.endpoint()};
  std::vector<EndpointId> rest;
  std::vector<Host*> rest_hosts;
  for (size_t i = 0; i < others.size(); ++i) {
    if (i < with_leader) {
      minority.push_back(others[i]->endpoint());
    } else {
      rest.push_back(others[i]->endpoint());
      rest_hosts.push_back(others[i]);
    }
  }
  const std::vector<std::vector<EndpointId>> components{minority, rest};
  complete_grudge(components);
  if (churn) {
    const core::raft::Raft* raft = leader.raft();
    churn_.emplace();
    churn_->term = raft == nullptr ? 0 : raft->term();
    churn_->majority = std::move(rest_hosts);
    return "start-churn-leader " + describe(components);
  }
  if (rest_hosts.size() >= majority) await_leader(leader, {rest_hosts.begin(), rest_hosts.end()});
  return "start-partition-leader " + describe(components);
}

void Nemesis::observe_churn() {
  if (!churn_) return;
  Churn& churn = *churn_;
  if (churn.crash_at_us) {
    if (world_.now_us < *churn.crash_at_us) return;
    if (churn.successor->up()) {
      churn.successor->crash(world_.options.torn_writes && rng_.chance(0.5));
      churned_.push_back(churn.successor);
    }
    churn_.reset();
    return;
  }
  for (Host* host : churn.majority) {
    const core::raft::Raft* raft = host->raft();
    if (raft == nullptr || raft->role() != core::raft::Role::kLeader ||
        raft->term() <= churn.term) {
      continue;
    }
    // Within about a round trip of taking office: its first round is out,
    // the requests that came meanwhile wait for the next.
    const auto window_us = static_cast<uint64_t>(2 * (world_.options.latency_ms + 5) * 1000);
    churn.successor = host;
    churn.crash_at_us = world_.now_us + static_cast<TimeUs>(rng_.below(window_us));
    return;
  }
}

void Nemesis::observe_restarts() {
  while (!restarts_.empty() && restarts_.begin()->first <= world_.now_us) {
    restarts_.begin()->second->restart(node_ids());
    restarts_.erase(restarts_.begin());
  }
}

std::vector<std::string> Nemesis::node_ids() const {
  std::vector<std::string> ids;
  for (const Host* host : hosts_) ids.push_back(host->name());
  return ids;
}

std::string Nemesis::start_crash_leader() {
  Host& leader = leader_or_random();
  if (!leader.up()) return "start-crash-leader (every node is down)";
  std::vector<const Host*> rest;
  for (const Host* host : hosts_) {
    if (host != &leader) rest.push_back(host);
  }
  if (rest.size() >= hosts_.size() / 2 + 1) await_leader(leader, std::move(rest));
  const bool tear = world_.options.torn_writes && rng_.chance(0.5);
  const bool torn = leader.crash(tear);
  crashed_.push_back(&leader);
  return "start-crash-leader " + leader.name() + (torn ? " (its last write torn)" : "");
}

void Nemesis::begin(TimeUs start_us) {
  if (enabled()) world_.at(start_us, NemesisEvent{});
}

std::optional<std::string> Nemesis::on_event(TimeUs cutoff_us) {
  if (world_.now_us >= cutoff_us) return std::nullopt;
  std::string what = step();
  world_.at(world_.now_us + next_gap_us(), NemesisEvent{});
  return what;
}

std::string Nemesis::step() {
  if (active_) return heal();
  active_ = true;
  const std::string& fault = faults_[rng_.below(faults_.size())];
  if (fault == "partition") return start_partition();
  if (fault == "one-way") return start_one_way();
  if (fault == "crash") return start_crash();
  if (fault == "partition-leader") return start_partition_leader(false);
  if (fault == "churn-leader") return start_partition_leader(true);
  if (fault == "crash-leader") return start_crash_leader();
  return start_pause();
}

std::string Nemesis::heal() {
  active_ = false;
  if (cut_) ++unrecovered_;
  cut_.reset();
  churn_.reset();
  // A crashed successor comes back some seconds after the cut heals, so the
  // old leader's side may elect before it returns (as in figure 8).
  for (Host* host : churned_) {
    const TimeUs at =
        world_.now_us + kChurnRestartMinUs + static_cast<TimeUs>(rng_.below(kChurnRestartMinUs));
    restarts_.emplace(at, host);
  }
  churned_.clear();
  world_.network.heal();
  for (const EndpointId node : paused_) world_.network.resume(world_.now_us, node);
  paused_.clear();
  if (crashed_.empty()) return "stop (heal all)";
  std::string text = "stop-crash (restart";
  for (Host* host : crashed_) {
    host->restart(node_ids());
    text += " " + host->name();
  }
  crashed_.clear();
  return text + ")";
}

}  // namespace eddy::sim
