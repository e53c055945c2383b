// SimCluster (core/sim_cluster.h), the in-core cluster behind partition_test:
// the raft nodes elect a leader and serve a client; callbacks run in due
// order with ties in insertion order; a cut link drops messages both ways
// and a heal restores it; the same seed gives the same run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json_codec.h"
#include "core/sim_cluster.h"

namespace eddy::core {
namespace {

// Steps `cluster` until its clock passes `until_ms`.
void run_until(SimCluster& cluster, int64_t until_ms) {
  while (cluster.now_ms() < until_ms && cluster.step()) {
  }
}

TEST(SimCluster, ElectsALeaderAndServesAClient) {
  std::vector<Message> inbox;
  SimCluster cluster(3, Rng(1), [&](Message message) { inbox.push_back(std::move(message)); });
  EXPECT_EQ(cluster.names(), (std::vector<std::string>{"n1", "n2", "n3"}));
  run_until(cluster, 2'000);
  const std::string leader = cluster.leader();
  ASSERT_FALSE(leader.empty());
  ASSERT_EQ(cluster.elections().size(), 1u);
  EXPECT_EQ(cluster.elections()[0].leader, leader);

  cluster.send_from_client(
      Message{"c1", leader, 1, std::nullopt, KvWriteBody{Value(int64_t{0}), Value(int64_t{3})}});
  run_until(cluster, cluster.now_ms() + 200);
  ASSERT_EQ(inbox.size(), 1u) << "init_ok goes to c0 and is dropped";
  EXPECT_EQ(inbox[0].dest, "c1");
  EXPECT_EQ(inbox[0].in_reply_to, 1);
  EXPECT_TRUE(std::holds_alternative<KvWriteOkBody>(inbox[0].body)) << encode_line(inbox[0]);
}

TEST(SimCluster, CallbacksRunInDueOrderAndTiesInInsertionOrder) {
  SimCluster cluster(1, Rng(1), [](Message) {});
  std::vector<int> order;
  cluster.at(30, [&] { order.push_back(3); });
  cluster.at(10, [&] { order.push_back(1); });
  cluster.at(30, [&] { order.push_back(4); });
  cluster.at(10, [&] { order.push_back(2); });
  run_until(cluster, 31);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(SimCluster, ACutLeaderLosesItsQuorumAndTheHealBringsItBack) {
  SimCluster cluster(3, Rng(2), [](Message) {});
  run_until(cluster, 2'000);
  const std::string first = cluster.leader();
  ASSERT_FALSE(first.empty());
  cluster.partition({first});
  EXPECT_TRUE(cluster.partitioned());
  run_until(cluster, 5'000);
  // The other two elected one of theirs; the cut one stepped down
  // (CheckQuorum), so the highest-term leader is on the majority's side.
  const std::string second = cluster.leader();
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  cluster.heal();
  run_until(cluster, 7'000);
  EXPECT_EQ(cluster.leader(), second) << "the returning node disrupts nobody (PreVote)";
  EXPECT_EQ(cluster.elections().size(), 2u);
}

TEST(SimCluster, TheSameSeedGivesTheSameElections) {
  auto trace = [](uint64_t seed) {
    SimCluster cluster(5, Rng(seed), [](Message) {});
    run_until(cluster, 1'500);
    cluster.partition({cluster.leader()});
    run_until(cluster, 4'000);
    std::string out;
    for (const SimCluster::Election& election : cluster.elections()) {
      out += std::to_string(election.at_ms) + " " + std::to_string(election.term) + " " +
             election.leader + "\n";
    }
    return out;
  };
  EXPECT_EQ(trace(8), trace(8));
  EXPECT_NE(trace(8), trace(9));
}

}  // namespace
}  // namespace eddy::core
