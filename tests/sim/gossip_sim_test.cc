// The gossip strategy (the default) in the simulator: valid under Maelstrom's
// partitions and Eddy's faults, and within the message budget of the issue
// (server messages per op: at most 0.25 at 2 nodes, 1.0 at 5 nodes).
#include <gtest/gtest.h>

#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

SimOptions gossip_options(int nodes, uint64_t seed) {
  SimOptions options = testing::seed001_options(seed);
  options.strategy = "gossip";
  options.node_count = nodes;
  options.concurrency = 2 * nodes;
  return options;
}

double server_msgs_per_op(const testing::Verdict& v) {
  return messages_per_op(v.result.net.servers.sent, v.check.client_invocations);
}

TEST(GossipSim, TwoNodesValidAndWithinBudget) {
  const auto v = testing::run_and_check(gossip_options(2, 1));
  EXPECT_EQ(v.check.validity, checker::Validity::kValid)
      << checker::format_report(v.check) << v.replay;
  EXPECT_LE(server_msgs_per_op(v), 0.25) << v.replay;
}

TEST(GossipSim, FiveNodesValidAndWithinBudget) {
  const auto v = testing::run_and_check(gossip_options(5, 1));
  EXPECT_EQ(v.check.validity, checker::Validity::kValid)
      << checker::format_report(v.check) << v.replay;
  EXPECT_LE(server_msgs_per_op(v), 1.0) << v.replay;
}

TEST(GossipSim, FiveNodesWithPartitionsAndLatency) {
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    SimOptions options = gossip_options(5, seed);
    options.nemesis = {"partition"};
    options.latency_ms = 10;
    const auto v = testing::run_and_check(options);
    EXPECT_EQ(v.check.validity, checker::Validity::kValid)
        << checker::format_report(v.check) << v.replay;
    // Every send and poll is answered during partitions.
    for (const char* f : {"send", "poll"}) {
      const auto& stats = v.check.by_f.at(f);
      EXPECT_GE(static_cast<double>(stats.ok) / static_cast<double>(stats.invoke), 0.999)
          << f << v.replay;
    }
  }
}

TEST(GossipSim, ValidUnderEddysFaults) {
  SimOptions options = gossip_options(3, 5);
  options.time_limit_s = 10;
  options.latency_ms = 20;
  options.latency_dist = LatencyDist::kExponential;
  options.loss_p = 0.1;
  options.duplicate_p = 0.1;
  options.spike_p = 0.02;
  options.spike_ms = 300;
  options.nemesis = {"partition", "one-way", "pause"};
  options.nemesis_interval_s = 2;
  const auto v = testing::run_and_check(options);
  EXPECT_EQ(v.check.validity, checker::Validity::kValid)
      << checker::format_report(v.check) << v.replay;
}

}  // namespace
}  // namespace eddy::sim
