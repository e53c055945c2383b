// A small cluster of raft::Raft objects for the Raft tests, stepped by hand:
// a shared clock, a queue of messages in flight, and a cut list that drops
// messages between chosen nodes, as turmoil's hold/partition do. Each node's
// Output is taken after every input, as RaftKv does (and a deadline already
// due fires at once, as RaftKv's timer would): persisted effects are folded
// into the node's disk, committed entries are applied to its log of applied
// commands, and messages join the queue (and a log of what was sent).
//
// It checks Raft's safety properties across the cluster on demand
// (check_safety): one leader per term, logs that agree up to each pair's
// common committed prefix, and applied prefixes that agree everywhere.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/persist.h"
#include "core/raft/raft.h"

namespace eddy::core::raft::testing {

struct InFlight {
  std::string from;
  std::string to;
  Message message;
};

// A message as it was sent, for tests that count what Raft costs.
struct Sent {
  int64_t at_ms = 0;
  std::string from;
  std::string to;
  MessageKind kind = MessageKind::kAppend;
  size_t entries = 0;
  int64_t round = 0;
};

class Cluster {
 public:
  explicit Cluster(int size, uint64_t seed = 1, RaftConfig base = {}) : base_(base) {
    for (int i = 0; i < size; ++i) names_.push_back("n" + std::to_string(i));
    for (const std::string& name : names_) {
      RaftConfig config = base_of(name);
      nodes_.emplace(name,
                     Node{Raft(config, Rng(seed).stream(name), now_ms_), Persisted{}, {}, {}, 0});
    }
  }

  const std::vector<std::string>& names() const { return names_; }
  Raft& raft(const std::string& name) { return nodes_.at(name).raft; }
  const std::vector<Value>& applied(const std::string& name) { return nodes_.at(name).applied; }
  const Persisted& disk(const std::string& name) { return nodes_.at(name).disk; }
  int64_t now_ms() const { return now_ms_; }
  std::deque<InFlight>& in_flight() { return in_flight_; }
  // Every message sent so far (delivered or not), in order.
  const std::vector<Sent>& sent() const { return sent_; }

  // Messages between a and b (both ways) are dropped while cut.
  void cut(const std::string& a, const std::string& b) {
    cuts_.insert({a, b});
    cuts_.insert({b, a});
  }
  // Cuts every link between the two groups.
  void partition(const std::vector<std::string>& side_a, const std::vector<std::string>& side_b) {
    for (const auto& a : side_a) {
      for (const auto& b : side_b) cut(a, b);
    }
  }
  void isolate(const std::string& node) {
    for (const auto& other : names_) {
      if (other != node) cut(node, other);
    }
  }
  void heal() { cuts_.clear(); }

  // Delivers what is in flight (and what that causes), up to `max` messages.
  void deliver_all(size_t max = 100000) {
    for (size_t n = 0; n < max && !in_flight_.empty(); ++n) deliver_one();
  }
  void deliver_one() {
    InFlight m = std::move(in_flight_.front());
    in_flight_.pop_front();
    if (cuts_.contains({m.from, m.to}) || down_.contains(m.to)) return;
    raft(m.to).step(now_ms_, m.from, m.message);
    drain(m.to);
  }

  // Advances the clock by `ms` in steps of `step_ms`, ticking every node and
  // delivering everything in flight at each step.
  void run_for(int64_t ms, int64_t step_ms = 5) {
    for (int64_t t = 0; t < ms; t += step_ms) {
      now_ms_ += step_ms;
      for (const std::string& name : names_) {
        if (down_.contains(name)) continue;
        if (now_ms_ >= raft(name).next_deadline_ms()) {
          raft(name).tick(now_ms_);
          drain(name);
        }
      }
      deliver_all();
      check_safety();
    }
  }

  std::optional<std::string> leader() {
    std::optional<std::string> found;
    Term best = -1;
    for (const std::string& name : names_) {
      if (down_.contains(name)) continue;
      if (raft(name).role() == Role::kLeader && raft(name).term() > best) {
        best = raft(name).term();
        found = name;
      }
    }
    return found;
  }

  std::optional<Index> propose(const std::string& name, int64_t command) {
    const auto index = raft(name).propose(now_ms_, Value(command));
    drain(name);
    return index;
  }
  std::optional<uint64_t> read(const std::string& name) {
    const auto id = raft(name).read(now_ms_);
    drain(name);
    return id;
  }
  const std::vector<ReadyRead>& ready_reads(const std::string& name) {
    return nodes_.at(name).ready_reads;
  }

  // A crash: the node's Raft is rebuilt from its disk; its applied commands
  // are replayed from scratch (a snapshot of applied commands is the disk's
  // snapshot data: the commands applied so far, as a JSON array).
  void crash(const std::string& name) { down_.insert(name); }
  void restart(const std::string& name, uint64_t seed = 7) {
    down_.erase(name);
    Node& node = nodes_.at(name);
    Raft fresh(base_of(name), Rng(seed).stream(name + "-restart"), now_ms_);
    fresh.restore(node.disk);
    node.raft = std::move(fresh);
    node.applied.clear();
    if (node.disk.snapshot) node.applied = values_of(node.disk.snapshot->data);
    // The commit index is volatile: a restarted node learns it again.
    node.last_commit = node.disk.snapshot ? node.disk.snapshot->index : 0;
  }
  void compact(const std::string& name) {
    Node& node = nodes_.at(name);
    node.raft.compact(static_cast<Index>(node.applied.size()), array_of(node.applied));
    drain(name);
  }

  // Raft's safety properties across the live and the dead nodes.
  void check_safety() {
    for (auto& [name, node] : nodes_) {
      node.raft.check_invariants();
      if (node.raft.role() == Role::kLeader) {
        const auto [it, fresh] = leaders_.emplace(node.raft.term(), name);
        ASSERT_TRUE(fresh || it->second == name)
            << "two leaders in term " << node.raft.term() << ": " << it->second << " and " << name;
      }
      ASSERT_GE(node.raft.commit_index(), node.last_commit) << name << "'s commit went back";
      node.last_commit = node.raft.commit_index();
    }
    // State machine safety: every applied prefix agrees with the longest.
    const std::vector<Value>* longest = nullptr;
    for (auto& [name, node] : nodes_) {
      if (longest == nullptr || node.applied.size() > longest->size()) longest = &node.applied;
    }
    for (auto& [name, node] : nodes_) {
      for (size_t i = 0; i < node.applied.size(); ++i) {
        ASSERT_EQ(node.applied[i], (*longest)[i]) << name << " applied another entry " << i + 1;
      }
    }
  }

 private:
  struct Node {
    Raft raft;
    Persisted disk;
    std::vector<Value> applied;  // every committed entry's command, in order (no-ops included)
    std::vector<ReadyRead> ready_reads;
    Index last_commit = 0;
  };

  RaftConfig base_of(const std::string& name) const {
    RaftConfig config = base_;
    config.self = name;
    config.peers = names_;
    return config;
  }
  static Value array_of(const std::vector<Value>& values) {
    std::string text = "[";
    for (size_t i = 0; i < values.size(); ++i) text += (i ? "," : "") + values[i].to_json_text();
    return Value::from_json_text(text + "]");
  }
  static std::vector<Value> values_of(const Value& array) {
    std::vector<Value> values;
    const auto json = array.to_json();
    if (!json.is_array()) return values;
    for (const auto& item : json) values.push_back(Value::from_json(item));
    return values;
  }

  void drain(const std::string& name) {
    Node& node = nodes_.at(name);
    Output out = node.raft.take_output();
    if (out.persist) {
      ASSERT_TRUE(node.disk.apply(*out.persist)) << name << ": a gap on disk";
    }
    if (out.install) node.applied = values_of(out.install->data);
    for (auto& [index, entry] : out.committed) {
      ASSERT_EQ(static_cast<Index>(node.applied.size()) + 1, index) << name << " skipped an entry";
      node.applied.push_back(entry.command);
    }
    for (const ReadyRead& read : out.ready_reads) node.ready_reads.push_back(read);
    for (auto& [to, message] : out.messages) {
      sent_.push_back(
          Sent{now_ms_, name, to, message.kind, message.entries.size(), message.read_round});
      in_flight_.push_back({name, to, std::move(message)});
    }
    // A deadline already passed (a leader's round due at once) fires now,
    // as the driver's timer would.
    if (node.raft.next_deadline_ms() <= now_ms_) {
      node.raft.tick(now_ms_);
      drain(name);
    }
  }

  RaftConfig base_;
  std::vector<std::string> names_;
  std::map<std::string, Node> nodes_;
  std::deque<InFlight> in_flight_;
  std::vector<Sent> sent_;
  std::set<std::pair<std::string, std::string>> cuts_;
  std::set<std::string> down_;
  std::map<Term, std::string> leaders_;
  int64_t now_ms_ = 0;
};

}  // namespace eddy::core::raft::testing
