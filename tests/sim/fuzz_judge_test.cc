// The fuzz campaign's judge (sim/fuzz.h): which failures are safety (the
// campaign fails) and which liveness (reported), on real simulated runs and
// on histories made for the purpose.
#include <gtest/gtest.h>

#include "sim/fuzz.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

checker::Op op(checker::OpType type, checker::OpF f, int64_t process) {
  checker::Op o;
  o.type = type;
  o.f = f;
  o.process = process;
  return o;
}

TEST(FuzzJudge, FinalPhaseOkPollsCountFromTheFirstSeekToBeginningAssign) {
  checker::History history;
  history.push_back(op(checker::OpType::kOk, checker::OpF::kPoll, 0));  // main phase
  EXPECT_EQ(final_phase_ok_polls(history), std::nullopt);
  checker::Op assign = op(checker::OpType::kOk, checker::OpF::kAssign, 1);
  assign.seek_to_beginning = true;
  history.push_back(assign);
  EXPECT_EQ(final_phase_ok_polls(history), 0);
  history.push_back(op(checker::OpType::kFail, checker::OpF::kPoll, 1));
  history.push_back(op(checker::OpType::kInfo, checker::OpF::kPoll, 1));
  EXPECT_EQ(final_phase_ok_polls(history), 0);
  history.push_back(op(checker::OpType::kOk, checker::OpF::kPoll, 1));
  EXPECT_EQ(final_phase_ok_polls(history), 1);
}

// Found by `eddy-sim fuzz --strategy raft` (seed 6150): 5% of messages held
// 1.4 s stall every node's inbox in turn (Maelstrom's delivery), no leader
// lasts, and every final poll failed: nine acknowledged sends were never
// read. Unseen with no final poll answered is liveness, not a lost write.
// eddy-sim test -w kafka --strategy raft --node-count 4 --concurrency 12
//   --time-limit 2 --rate 62 --latency 3 --latency-dist exponential
//   --nemesis partition,crash,partition-leader,crash-leader
//   --nemesis-interval 2 --duplicate-p 0.1 --spike-p 0.05 --spike-ms 1419
//   --torn-writes --slow-disk-p 0.17 --slow-disk-ms 68 --seed 6150
TEST(FuzzJudge, Seed6150UnseenWithNoFinalPollAnsweredIsNotLive) {
  SimOptions options;
  options.workload = "kafka";
  options.strategy = "raft";
  options.node_count = 4;
  options.concurrency = 12;
  options.time_limit_s = 2;
  options.rate_per_s = 62;
  options.latency_ms = 3;
  options.latency_dist = LatencyDist::kExponential;
  options.nemesis = {"partition", "crash", "partition-leader", "crash-leader"};
  options.nemesis_interval_s = 2;
  options.duplicate_p = 0.1;
  options.spike_p = 0.05;
  options.spike_ms = 1419;
  options.torn_writes = true;
  options.slow_disk_p = 0.17;
  options.slow_disk_ms = 68;
  options.seed = 6150;
  const SimResult result = Simulation(options).run();
  const RunCheck check = check_run(options, result);
  ASSERT_EQ(check.workload_problem, "anomalies: unseen");
  EXPECT_EQ(final_phase_ok_polls(result.history), 0);
  const Judgement judgement = judge(options, check, result);
  EXPECT_EQ(judgement.safety, "");
  EXPECT_NE(judgement.liveness.find("no final poll was answered"), std::string::npos)
      << judgement.liveness;
}

// Unseen alone, but the final polls were answered: they read the log
// without the messages (a node that acknowledged a send and never stored
// it), which stays a safety failure. So does unseen with other anomalies.
TEST(FuzzJudge, UnseenWhileFinalPollsAreAnsweredIsSafety) {
  SimOptions options = testing::seed001_options(1);
  SimResult result;
  checker::Op assign = op(checker::OpType::kOk, checker::OpF::kAssign, 1);
  assign.seek_to_beginning = true;
  result.history.push_back(assign);
  result.history.push_back(op(checker::OpType::kOk, checker::OpF::kPoll, 1));
  RunCheck check;
  check.kafka.emplace();
  check.kafka->bad_anomaly_types = {"unseen"};
  check.workload_problem = "anomalies: unseen";
  EXPECT_EQ(judge(options, check, result).safety, "anomalies: unseen");
  // No final poll answered, but another anomaly too.
  result.history.pop_back();
  check.kafka->bad_anomaly_types = {"lost-write", "unseen"};
  check.workload_problem = "anomalies: lost-write, unseen";
  EXPECT_EQ(judge(options, check, result).safety, "anomalies: lost-write, unseen");
  // Unseen alone and no final poll answered: liveness.
  check.kafka->bad_anomaly_types = {"unseen"};
  check.workload_problem = "anomalies: unseen";
  EXPECT_EQ(judge(options, check, result).safety, "");
}

}  // namespace
}  // namespace eddy::sim
