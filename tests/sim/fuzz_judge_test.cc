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

checker::Op send_ok(const std::string& key, int64_t offset) {
  checker::Op o = op(checker::OpType::kOk, checker::OpF::kSend, 0);
  o.key = key;
  o.offset = offset;
  return o;
}

checker::Op final_assign() {
  checker::Op o = op(checker::OpType::kOk, checker::OpF::kAssign, 1);
  o.seek_to_beginning = true;
  return o;
}

// An ok poll returning `key`'s offsets [from, to).
checker::Op poll_ok(const std::string& key, int64_t from, int64_t to) {
  checker::Op o = op(checker::OpType::kOk, checker::OpF::kPoll, 1);
  checker::PolledKey polled{key, {}};
  for (int64_t offset = from; offset < to; ++offset) polled.records.push_back({offset, offset});
  o.polled.push_back(polled);
  return o;
}

TEST(FuzzJudge, UnseenSendsAreUnreadUnlessAFinalPollReadTheirKeyToTheEnd) {
  checker::History history{send_ok("9", 0), send_ok("9", 1), send_ok("8", 0)};
  history.push_back(poll_ok("9", 0, 1));
  history.push_back(poll_ok("8", 0, 1));
  EXPECT_TRUE(unseen_for_want_of_reads(history, {}));
  EXPECT_TRUE(unseen_for_want_of_reads(history, {"8"}));   // 8's send was read
  EXPECT_FALSE(unseen_for_want_of_reads(history, {"9"}));  // 9 read to its end without it
  history.push_back(poll_ok("9", 1, 2));
  EXPECT_FALSE(unseen_for_want_of_reads(history, {}));  // every send read: nothing unseen
}

// Which keys the final polls read to the end, as the workload records them.
TEST(FuzzJudge, TheWorkloadRecordsTheKeysAFinalPollReadToTheEnd) {
  SimOptions options = testing::seed001_options(1);
  options.time_limit_s = 2;
  std::set<std::string> keys;
  // Pages longer than any key's log: the first final poll reads every key out.
  options.limits.poll_msgs_per_key_max = 100'000;
  const SimResult whole = Simulation(options).run();
  for (const checker::Op& op : whole.history) {
    if (op.f == checker::OpF::kSend && op.type == checker::OpType::kOk) keys.insert(op.key.str());
  }
  EXPECT_EQ(whole.final_read_to_end, keys);
  // One record a page: a thread stops at the highest offset it knew of at
  // the start, so only keys that got no later send are read past it.
  options.limits.poll_msgs_per_key_max = 1;
  const SimResult paged = Simulation(options).run();
  EXPECT_LT(paged.final_read_to_end.size(), keys.size());
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
  EXPECT_TRUE(unseen_for_want_of_reads(result.history, result.final_read_to_end));
  const Judgement judgement = judge(options, check, result);
  EXPECT_EQ(judgement.safety, "");
  EXPECT_NE(judgement.liveness.find("never read to the end"), std::string::npos)
      << judgement.liveness;
}

// Unseen alone, but a final poll read to the end of the key without the
// send (a node that acknowledged it and never stored it): safety. So is
// unseen with another anomaly, whatever the reads.
TEST(FuzzJudge, UnseenAfterAFinalPollReadTheKeysEndIsSafety) {
  const SimOptions options = testing::seed001_options(1);
  SimResult result;
  result.history = {send_ok("9", 0), send_ok("9", 1), final_assign(), poll_ok("9", 0, 1)};
  result.final_read_to_end = {"9"};
  RunCheck check;
  check.kafka.emplace();
  check.kafka->bad_anomaly_types = {"unseen"};
  check.workload_problem = "anomalies: unseen";
  EXPECT_EQ(judge(options, check, result).safety, "anomalies: unseen");
  // Never read to its end: liveness, unless another anomaly comes with it.
  result.final_read_to_end.clear();
  EXPECT_EQ(judge(options, check, result).safety, "");
  check.kafka->bad_anomaly_types = {"lost-write", "unseen"};
  check.workload_problem = "anomalies: lost-write, unseen";
  EXPECT_EQ(judge(options, check, result).safety, "anomalies: lost-write, unseen");
}

}  // namespace
}  // namespace eddy::sim
