// The Raft paper's figure 8, played by hand on five Raft nodes
// (tests/unit/raft_test_cluster.h) and judged by the simulator's cross-node
// invariants (sim/raft_invariants.h): a leader that commits an earlier
// term's entry by counting its replicas (broken:raft-commit-old-term's flaw)
// is caught the moment it commits, since a node holding a later term's
// entry at that index could still win an election and overwrite it; the
// same play with a correct Raft keeps every invariant. Random faults reach
// this state only rarely (a leader must lose its leadership before its own
// entry left it, and the next leader must get no request of its own term
// before it commits the old one): this is the flaw's deterministic test.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/raft_invariants.h"
#include "tests/unit/raft_test_cluster.h"

namespace eddy::sim {
namespace {

using core::raft::Index;
using core::raft::Raft;
using core::raft::RaftConfig;
using core::raft::Role;
using core::raft::testing::Cluster;

class Figure8 {
 public:
  explicit Figure8(RaftConfig::Flaw flaw) : cluster_(5, 3, config(flaw)) {}

  Cluster& cluster() { return cluster_; }

  std::string elect() {
    for (int64_t t = 0; t < 5000; t += 5) {
      cluster_.run_for(5);
      if (const auto leader = cluster_.leader(); leader && observe()) return *leader;
    }
    return "";
  }

  // Observes every node (a down one by its disk), all of the invariants;
  // false once one is broken.
  bool observe() {
    std::vector<RaftInvariants::NodeView> nodes;
    for (const std::string& name : cluster_.names()) {
      nodes.push_back({.name = name,
                       .raft = down_.contains(name) ? nullptr : &cluster_.raft(name),
                       .disk = &cluster_.disk(name),
                       .incarnation = restarts_[name]});
    }
    return invariants_.observe(nodes, RaftInvariants::Depth::kFull);
  }

  // Runs `ms` of time, observing after every 1 ms step.
  bool run_for(int64_t ms) {
    for (int64_t t = 0; t < ms; ++t) {
      cluster_.run_for(1, 1);
      if (!observe()) return false;
    }
    return true;
  }

  void crash(const std::string& name) {
    cluster_.crash(name);
    down_.insert(name);
  }
  void restart(const std::string& name) {
    cluster_.restart(name);
    down_.erase(name);
    ++restarts_[name];
  }

  const std::string& violation() const { return invariants_.violation(); }

 private:
  static RaftConfig config(RaftConfig::Flaw flaw) {
    RaftConfig config;
    config.flaw = flaw;
    return config;
  }

  Cluster cluster_;
  RaftInvariants invariants_;
  std::set<std::string> down_;
  std::map<std::string, int64_t> restarts_;
};

// Plays figure 8 up to the moment the cluster's third leader has replicated
// the first leader's entry x to a majority; returns false (with the failure
// recorded) as soon as an invariant breaks. `s5_returns`: s5 restarts (cut
// off) before s1 leads again; else it stays down, its log only on its disk.
bool play(Figure8& play, bool s5_returns = true) {
  Cluster& cluster = play.cluster();
  // (a) s1 leads and gets x to one follower only, then dies.
  const std::string s1 = play.elect();
  EXPECT_FALSE(s1.empty());
  std::vector<std::string> rest;
  for (const std::string& name : cluster.names()) {
    if (name != s1) rest.push_back(name);
  }
  const std::string s2 = rest[0];
  for (size_t i = 1; i < rest.size(); ++i) cluster.cut(s1, rest[i]);
  const std::optional<Index> x = cluster.propose(s1, 100);
  EXPECT_TRUE(x.has_value());
  if (!play.run_for(RaftConfig{}.heartbeat_ms + 10)) return false;
  EXPECT_EQ(cluster.raft(s2).log().term_at(*x), cluster.raft(s1).term());
  play.crash(s1);
  // (b) The three without x elect s5, which appends y at or after x's index and dies
  // before y leaves it.
  cluster.heal();
  cluster.isolate(s2);
  const std::string s5 = play.elect();
  if (s5.empty()) return false;
  EXPECT_NE(s5, s2);
  cluster.isolate(s5);
  cluster.in_flight().clear();
  // (With the flaw there is no no-op: y lands at x's very index; a correct
  // s5 puts its no-op there and y after it.)
  EXPECT_TRUE(cluster.propose(s5, 200).has_value());
  cluster.in_flight().clear();
  play.crash(s5);
  // (c) s1 is back with x and leads again, s5 comes back cut off: its log
  // (y, of a later term than x) beats every other's.
  cluster.heal();
  play.restart(s1);
  if (s5_returns) play.restart(s5);
  cluster.isolate(s5);
  for (int64_t t = 0; t < 5000; t += 5) {
    if (!play.run_for(5)) return false;
    if (cluster.raft(s1).role() == Role::kLeader) break;
  }
  // s1 replicates x to a majority; a correct leader does not count it
  // committed until an entry of its own term (its no-op) is on a majority.
  return play.run_for(500);
}

TEST(RaftFigure8, CommittingAnEarlierTermsEntryByCountingIsCaughtByTheInvariants) {
  Figure8 figure8(RaftConfig::Flaw::kCommitOldTermByCounting);
  EXPECT_FALSE(play(figure8)) << "the flawed leader's commit went unnoticed";
  EXPECT_NE(figure8.violation().find("committed entry at risk"), std::string::npos)
      << figure8.violation();
}

TEST(RaftFigure8, ACorrectRaftKeepsEveryInvariantThroughTheSamePlay) {
  Figure8 figure8(RaftConfig::Flaw::kNone);
  EXPECT_TRUE(play(figure8)) << figure8.violation();
}

// s5 never comes back: the entry it holds is only on its disk, and a restart
// would campaign with it, so the disk counts as a log (what churn-leader's
// crashed successors leave behind).
TEST(RaftFigure8, ADownNodesDiskCountsInTheCommittedEntryCheck) {
  Figure8 flawed(RaftConfig::Flaw::kCommitOldTermByCounting);
  EXPECT_FALSE(play(flawed, /*s5_returns=*/false)) << "the flawed leader's commit went unnoticed";
  EXPECT_NE(flawed.violation().find("its log on disk is as up-to-date"), std::string::npos)
      << flawed.violation();
  Figure8 correct(RaftConfig::Flaw::kNone);
  EXPECT_TRUE(play(correct, /*s5_returns=*/false)) << correct.violation();
}

}  // namespace
}  // namespace eddy::sim
