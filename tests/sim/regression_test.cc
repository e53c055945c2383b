// Failures the simulator's properties found, frozen as tests under the seed
// and flags that found them.
#include <gtest/gtest.h>

#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

// Found by ScenarioProperty (rapidcheck, first case): a node paused by the
// nemesis at t=0 for longer than a 1 s run serves no poll at all, and
// Maelstrom's stats rule (every f needs an ok) calls the run invalid. That is
// liveness, not safety: the property now asserts safety always and liveness
// only without pauses. This pins both halves of the verdict.
// eddy-sim test -w kafka --strategy single --node-count 1 --concurrency 2
//   --time-limit 1 --rate 1 --nemesis pause --nemesis-interval 2 --seed 0
TEST(Regression, Seed0PausedForTheWholeRunIsSafeButNotLive) {
  SimOptions options = testing::seed001_options(0);
  options.time_limit_s = 1;
  options.rate_per_s = 1;
  options.nemesis = {"pause"};
  options.nemesis_interval_s = 2;
  const auto verdict = testing::run_and_check(options);
  EXPECT_TRUE(verdict.check.bad_anomaly_types.empty()) << checker::format_report(verdict.check);
  EXPECT_FALSE(verdict.check.stats_problems.empty()) << checker::format_report(verdict.check);
  EXPECT_EQ(verdict.check.by_f.at("poll").ok, 0);
}

// Found by sweeping the crash nemesis over the raft strategy: a restarted
// node's msg_ids start again at 1, so its forwards reused the (node, msg_id)
// of requests it had forwarded before the crash, and the leader answered them
// with those requests' remembered results (a cas acknowledged that never
// ran). Forwards now carry the client's own id (origin, origin_msg_id), which
// never repeats. 18 of 40 seeds failed before the fix; seed 3 was the first.
// eddy-sim test -w lin-kv --strategy raft --node-count 5 --concurrency 10
//   --time-limit 20 --rate 1000 --latency 10 --nemesis partition,crash
//   --nemesis-interval 0.5 --loss-p 0.05 --seed 3
TEST(Regression, Seed3RaftForwardsAfterARestartAreNotTakenForDuplicates) {
  SimOptions options = testing::seed003_options(3);
  options.strategy = "raft";
  options.rate_per_s = 1000;
  options.latency_ms = 10;
  options.nemesis = {"partition", "crash"};
  options.nemesis_interval_s = 0.5;
  options.loss_p = 0.05;
  const auto verdict = testing::run_and_check_linkv(options);
  ASSERT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_EQ(verdict.check.workload_validity, checker::Validity::kValid)
      << checker::format_report(verdict.check) << verdict.replay;
}

// Found by `eddy-sim fuzz --strategy raft` (seed 5175, kafka on Raft): a
// forward duplicated by the network reached the leader twice; it proposed
// the first copy, crashed, restarted, and refused the second copy as "not
// the leader". The follower relayed that error 11 to the client as definite,
// yet the first copy was in the log and committed: a poll read the "failed"
// send (G1a). A refused forward of a write is now routed again or answered
// indefinitely (docs/raft.md, "Forwards follow leadership").
// eddy-sim test -w kafka --strategy raft --node-count 5 --concurrency 15
//   --time-limit 2 --rate 7323 --latency 46 --latency-dist exponential
//   --nemesis one-way,crash-leader --nemesis-interval 2 --duplicate-p 0.18
//   --spike-p 0.04 --spike-ms 733 --torn-writes --clock-skew-ms 341 --seed 5175
TEST(Regression, Seed5175ARefusedDuplicateForwardIsNotADefiniteFailure) {
  SimOptions options;
  options.workload = "kafka";
  options.strategy = "raft";
  options.node_count = 5;
  options.concurrency = 15;
  options.time_limit_s = 2;
  options.rate_per_s = 7323;
  options.latency_ms = 46;
  options.latency_dist = LatencyDist::kExponential;
  options.nemesis = {"one-way", "crash-leader"};
  options.nemesis_interval_s = 2;
  options.duplicate_p = 0.18;
  options.spike_p = 0.04;
  options.spike_ms = 733;
  options.torn_writes = true;
  options.clock_skew_ms = 341;
  options.seed = 5175;
  const auto verdict = testing::run_and_check(options);
  ASSERT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_TRUE(verdict.check.bad_anomaly_types.empty()) << checker::format_report(verdict.check);
}

// Found by `eddy-sim fuzz --strategy raft` (seed 141) once the committed-
// entry check began to count a down node by its disk: a single node elected
// itself and committed its no-op at once, with nothing to send; a crash tore
// that write (nothing had left since it, so --torn-writes may tear it), and
// the restarted node lacked an entry the checker had seen committed. No one
// had been told of that commit: the checker now reads a node whose last
// write may still tear by its disk, as it does one behind a slow write.
// eddy-sim test -w kafka --strategy raft --node-count 1 --concurrency 1
//   --time-limit 3 --rate 5 --latency 10 --latency-dist uniform --delivery
//   ideal --nemesis partition,crash-leader --nemesis-interval 3
//   --duplicate-p 0.08 --torn-writes --seed 141
TEST(Regression, Seed141ACommitNoOneSawMayBeTornAway) {
  SimOptions options;
  options.workload = "kafka";
  options.strategy = "raft";
  options.node_count = 1;
  options.concurrency = 1;
  options.time_limit_s = 3;
  options.rate_per_s = 5;
  options.latency_ms = 10;
  options.latency_dist = LatencyDist::kUniform;
  options.delivery = DeliveryModel::kIdeal;
  options.nemesis = {"partition", "crash-leader"};
  options.nemesis_interval_s = 3;
  options.duplicate_p = 0.08;
  options.torn_writes = true;
  options.seed = 141;
  const auto verdict = testing::run_and_check(options);
  EXPECT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_TRUE(verdict.check.bad_anomaly_types.empty()) << checker::format_report(verdict.check);
}

// Found by `eddy-sim fuzz --strategy raft` (seed 7520, kafka on Raft): two
// nodes, 19% of messages lost. After the final heal only the node with the
// longer log can win, and each attempt needs four messages through; a
// failed election doubled the timeout range up to 8T, so the node tried
// every 3-6 s and the whole 10 s final phase passed without a leader (every
// final poll refused, acknowledged sends unseen). The backoff now stops at 2T.
// eddy-sim test -w kafka --strategy raft --node-count 2 --concurrency 6
//   --time-limit 3 --rate 13 --latency 5 --latency-dist exponential
//   --nemesis partition-leader --nemesis-interval 1 --loss-p 0.19 --seed 7520
TEST(Regression, Seed7520ALossyTwoNodeClusterElectsInTimeForTheFinalPolls) {
  SimOptions options;
  options.workload = "kafka";
  options.strategy = "raft";
  options.node_count = 2;
  options.concurrency = 6;
  options.time_limit_s = 3;
  options.rate_per_s = 13;
  options.latency_ms = 5;
  options.latency_dist = LatencyDist::kExponential;
  options.nemesis = {"partition-leader"};
  options.nemesis_interval_s = 1;
  options.loss_p = 0.19;
  options.seed = 7520;
  const auto verdict = testing::run_and_check(options);
  EXPECT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_EQ(verdict.check.validity, checker::Validity::kValid)
      << checker::format_report(verdict.check);
}

}  // namespace
}  // namespace eddy::sim
