// The raft strategy serving the kafka workload in the simulator
// (core/kv/raft_kv.h, core/kafka/raft_machine.h), checked by the kafka
// checker: seed 001's command at 1, 3 and 5 nodes under partitions and
// crashes (a node killed and restarted from what it persisted, so from its
// snapshots too, taken every 25 entries in one case), under loss, duplication and pauses; nearly
// every op served without faults; runs replay byte for byte. Raft's own invariants across the nodes
// are checked during every run (sim/raft_invariants.h).
#include <gtest/gtest.h>

#include <memory>

#include "core/kv/raft_kv.h"

#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using checker::Validity;
using testing::run_and_check;

// Seed 001's command with Raft, --latency 10, at `node_count` nodes.
SimOptions raft_kafka_options(uint64_t seed, int node_count) {
  SimOptions options = testing::seed001_options(seed);
  options.strategy = "raft";
  options.node_count = node_count;
  options.concurrency = 2 * node_count;
  options.time_limit_s = 10;
  options.latency_ms = 10;
  options.invariant_check_every_steps = 64;
  return options;
}

void expect_valid(const testing::Verdict& verdict) {
  ASSERT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason << "\n"
                                                   << verdict.replay;
  EXPECT_EQ(verdict.check.validity, Validity::kValid)
      << checker::format_report(verdict.check) << verdict.replay;
  EXPECT_GT(verdict.check.acknowledged_sends, 0) << verdict.replay;
}

// Safety alone: no anomaly Maelstrom's kafka checker forbids. (A crashed
// node loses the requests it held, and a client waits 5 s for each, so a
// run with a single node crashed every second or two may complete no op of
// some kind: the stats rule's business, not safety's.)
int64_t expect_safe(const testing::Verdict& verdict) {
  EXPECT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason << "\n"
                                                   << verdict.replay;
  EXPECT_TRUE(verdict.check.bad_anomaly_types.empty())
      << checker::format_report(verdict.check) << verdict.replay;
  EXPECT_NE(verdict.check.validity, Validity::kUnknown)
      << checker::format_report(verdict.check) << verdict.replay;
  return verdict.check.acknowledged_sends;
}

class RaftKafkaSim : public ::testing::TestWithParam<int> {};

TEST_P(RaftKafkaSim, PartitionsAndCrashesKeepItSafe) {
  int64_t acknowledged = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimOptions options = raft_kafka_options(seed, GetParam());
    options.nemesis = {"partition", "crash"};
    options.nemesis_interval_s = 1;
    acknowledged += expect_safe(run_and_check(options));
  }
  EXPECT_GT(acknowledged, 100);
}

TEST_P(RaftKafkaSim, PartitionsAndRareCrashesKeepItValid) {
  SimOptions options = raft_kafka_options(7, GetParam());
  options.nemesis = {"partition", "crash"};
  options.nemesis_interval_s = 3;
  expect_valid(run_and_check(options));
}

TEST_P(RaftKafkaSim, LossDuplicationAndPausesKeepItValid) {
  SimOptions options = raft_kafka_options(11, GetParam());
  options.nemesis = {"partition", "one-way", "pause"};
  options.nemesis_interval_s = 2;
  options.loss_p = 0.05;
  options.duplicate_p = 0.05;
  options.limits.poll_msgs_per_key_max = 3;  // polls that stop short of the log's end
  expect_valid(run_and_check(options));
}

TEST_P(RaftKafkaSim, FrequentSnapshotsAndCrashesKeepItSafe) {
  // A snapshot every 25 entries: crashed nodes restart from snapshots that
  // hold the logs, and lagging followers are caught up by them.
  int64_t acknowledged = 0;
  for (uint64_t seed = 1; seed <= 2; ++seed) {
    SimOptions options = raft_kafka_options(seed, GetParam());
    options.application_factory = [](int) {
      core::kv::RaftKvOptions app_options;
      app_options.compact_after_entries = 25;
      return std::make_unique<core::kv::RaftKv>(app_options);
    };
    options.nemesis = {"partition", "crash"};
    options.nemesis_interval_s = 1;
    options.loss_p = 0.05;
    acknowledged += expect_safe(run_and_check(options));
  }
  EXPECT_GT(acknowledged, 50);
}

INSTANTIATE_TEST_SUITE_P(Nodes, RaftKafkaSim, ::testing::Values(1, 3, 5),
                         [](const auto& param_info) {
                           return std::to_string(param_info.param) + "Nodes";
                         });

TEST(RaftKafkaSimAvailability, WithoutFaultsNearlyEveryOpSucceedsOnceALeaderIsUp) {
  const auto verdict = run_and_check(raft_kafka_options(3, 5));
  ASSERT_EQ(verdict.check.validity, Validity::kValid) << checker::format_report(verdict.check);
  // Only the ops before the first election (well under a second) may be refused.
  for (const char* f : {"send", "poll"}) {
    const auto& stats = verdict.check.by_f.at(f);
    EXPECT_GT(static_cast<double>(stats.ok) / static_cast<double>(stats.invoke), 0.95)
        << f << "\n"
        << checker::format_report(verdict.check);
  }
}

TEST(RaftKafkaSimDeterminism, SameSeedSameHistoryAndReport) {
  SimOptions options = raft_kafka_options(21, 3);
  options.nemesis = {"partition", "crash"};
  options.nemesis_interval_s = 1;
  const SimResult first = Simulation(options).run();
  const SimResult second = Simulation(options).run();
  EXPECT_EQ(testing::history_text(first.history), testing::history_text(second.history));
  EXPECT_EQ(format_run_report(options, first, check_run(options, first)),
            format_run_report(options, second, check_run(options, second)));
}

}  // namespace
}  // namespace eddy::sim
