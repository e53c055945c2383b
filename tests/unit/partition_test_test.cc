// partition_test (core/partition_test.h): the runner on several seeds and
// cluster sizes (linearizable, counts that add up, ops_during_partition
// exactly the ops invoked between the two points), the partition rule (the
// leader cut off in a minority, the majority electing a new leader and
// serving), sizes 1 and 2, determinism and replay by seed, the virtual-time
// cap, a broken Raft caught by the check, the bad arguments, the codec, and
// the Node answering it whatever its strategy.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/kv_history.h"
#include "core/node.h"
#include "core/partition_test.h"
#include "core/strategy.h"

namespace eddy::core {
namespace {

PartitionTestBody request(int64_t cluster_size, int64_t operations, int64_t partition_after_op,
                          int64_t heal_after_op, std::optional<int64_t> seed = 1) {
  PartitionTestBody body;
  body.cluster_size = cluster_size;
  body.operations = operations;
  body.partition_after_op = partition_after_op;
  body.heal_after_op = heal_after_op;
  body.seed = seed;
  return body;
}

// The report of a run that must answer partition_test_ok.
PartitionTestReport run_ok(const PartitionTestBody& body, const Limits& limits = {}) {
  Rng rng(99);
  const Body answer = answer_partition_test(body, limits, rng);
  const auto* ok = std::get_if<PartitionTestOkBody>(&answer);
  if (ok == nullptr) {
    ADD_FAILURE() << "expected partition_test_ok, got "
                  << (std::holds_alternative<ErrorBody>(answer) ? std::get<ErrorBody>(answer).text
                                                                : std::string(body_type(answer)));
    return {};
  }
  return *ok->report;
}

std::string encoded(const Body& body) { return encode_line(Message{"n1", "c1", 1, 1, body}); }

std::string describe(const PartitionTestReport& report) {
  return encoded(PartitionTestOkBody{std::make_shared<PartitionTestReport>(report)});
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The rules every run obeys, whatever its size and seed.
void expect_consistent(const PartitionTestBody& body, const PartitionTestReport& report) {
  SCOPED_TRACE(describe(report));
  EXPECT_EQ(report.total_ops + report.ops_not_issued, body.operations);
  EXPECT_EQ(report.total_ops,
            report.ops_succeeded + report.ops_rejected + report.ops_indeterminate);
  int64_t by_code = 0;
  for (const auto& [code, count] : report.rejected_by_code) by_code += count;
  EXPECT_EQ(by_code, report.ops_rejected);
  EXPECT_LE(report.ops_succeeded_during_partition, report.ops_during_partition);
  EXPECT_EQ(report.seed, *body.seed);
}

TEST(PartitionTest, LinearizableOnSeveralSeedsAndSizes) {
  for (const int64_t n : {1, 3, 5, 7}) {
    for (int64_t seed = 1; seed <= 4; ++seed) {
      const PartitionTestBody body = request(n, 100, 30, 70, seed);
      const PartitionTestReport report = run_ok(body);
      SCOPED_TRACE("n=" + std::to_string(n) + " seed=" + std::to_string(seed));
      expect_consistent(body, report);
      EXPECT_TRUE(report.check.linearizable) << describe(report);
      EXPECT_TRUE(report.check.violations.empty());
      EXPECT_EQ(report.total_ops, 100);
      EXPECT_EQ(report.ops_not_issued, 0);
      EXPECT_EQ(report.ops_during_partition, 40);
      EXPECT_FALSE(report.leader_after.empty()) << "a leader after the heal";
      EXPECT_FALSE(report.history) << "only when asked for";
    }
  }
}

TEST(PartitionTest, OpsDuringPartitionAreTheOpsInvokedBetweenTheTwoPoints) {
  const std::vector<std::pair<int64_t, int64_t>> points{{0, 0},   {0, 20},  {5, 15},
                                                        {10, 10}, {19, 20}, {20, 20}};
  for (const auto& [after, heal] : points) {
    const PartitionTestBody body = request(5, 20, after, heal, 3);
    const PartitionTestReport report = run_ok(body);
    SCOPED_TRACE(std::to_string(after) + ".." + std::to_string(heal));
    expect_consistent(body, report);
    EXPECT_EQ(report.ops_during_partition, heal - after);
    EXPECT_FALSE(report.leader_before.empty()) << "the partition happened, even when empty";
    EXPECT_TRUE(report.check.linearizable);
  }
}

TEST(PartitionTest, TheLeaderIsCutOffInAMinorityAndTheMajorityServes) {
  for (const int64_t n : {3, 4, 5, 6, 7, 9}) {
    for (int64_t seed = 1; seed <= 3; ++seed) {
      // A partition of 80 ops (about 4 s of virtual time) outlasts an election.
      const PartitionTestBody body = request(n, 100, 10, 90, seed);
      const PartitionTestReport report = run_ok(body);
      SCOPED_TRACE(describe(report));
      expect_consistent(body, report);
      EXPECT_TRUE(contains(report.leader_side, report.leader_before));
      EXPECT_EQ(static_cast<int64_t>(report.leader_side.size()), n - (n / 2 + 1));
      EXPECT_EQ(static_cast<int64_t>(report.other_side.size()), n / 2 + 1) << "a majority";
      std::set<std::string> all(report.leader_side.begin(), report.leader_side.end());
      all.insert(report.other_side.begin(), report.other_side.end());
      EXPECT_EQ(static_cast<int64_t>(all.size()), n) << "two disjoint sides cover the cluster";
      EXPECT_TRUE(contains(report.other_side, report.majority_leader))
          << "the majority elected a leader of its own";
      EXPECT_GT(report.ops_succeeded_during_partition, 0) << "and served with it";
      EXPECT_GE(report.elections, 2);
      EXPECT_TRUE(report.check.linearizable);
    }
  }
}

TEST(PartitionTest, OneNodeHasNothingToCutAndKeepsServing) {
  const PartitionTestBody body = request(1, 50, 10, 40);
  const PartitionTestReport report = run_ok(body);
  expect_consistent(body, report);
  EXPECT_EQ(report.leader_before, "n1");
  EXPECT_EQ(report.leader_side, std::vector<std::string>{"n1"});
  EXPECT_TRUE(report.other_side.empty());
  EXPECT_EQ(report.ops_during_partition, 30);
  EXPECT_EQ(report.ops_indeterminate, 0) << "a lone node answers everything";
  for (const auto& [code, count] : report.rejected_by_code) {
    EXPECT_TRUE(code == 20 || code == 22) << "only the ops' own preconditions fail: " << code;
  }
  EXPECT_EQ(report.leader_after, "n1");
  EXPECT_EQ(report.elections, 1);
  EXPECT_TRUE(report.check.linearizable);
}

TEST(PartitionTest, TwoNodesIsolateTheLeaderAloneAndNeitherSideIsAMajority) {
  for (int64_t seed = 1; seed <= 3; ++seed) {
    const PartitionTestBody body = request(2, 60, 10, 50, seed);
    const PartitionTestReport report = run_ok(body);
    SCOPED_TRACE(describe(report));
    expect_consistent(body, report);
    EXPECT_EQ(report.leader_side, std::vector<std::string>{report.leader_before});
    ASSERT_EQ(report.other_side.size(), 1u);
    EXPECT_NE(report.other_side[0], report.leader_before);
    EXPECT_EQ(report.majority_leader, "") << "one node of two cannot elect itself";
    EXPECT_GT(report.ops_rejected, 0);
    EXPECT_TRUE(report.check.linearizable);
  }
}

TEST(PartitionTest, TheSameSeedReplaysTheSameRun) {
  const PartitionTestBody body = request(5, 100, 30, 70, 12345);
  Rng rng(1);
  const std::string first = encoded(answer_partition_test(body, {}, rng));
  EXPECT_EQ(encoded(answer_partition_test(body, {}, rng)), first);
  EXPECT_NE(encoded(answer_partition_test(request(5, 100, 30, 70, 12346), {}, rng)), first);

  // Without a seed, one is drawn from the node's rng; the reply names it, and
  // a request carrying it replays the run.
  PartitionTestBody unseeded = body;
  unseeded.seed.reset();
  Rng node_rng(7);
  const Body drawn = answer_partition_test(unseeded, {}, node_rng);
  const PartitionTestReport& report = *std::get<PartitionTestOkBody>(drawn).report;
  EXPECT_GE(report.seed, 0);
  EXPECT_LT(report.seed, int64_t{1} << 53) << "exact in any JSON reader";
  Rng again(7);
  EXPECT_EQ(encoded(answer_partition_test(unseeded, {}, again)), encoded(drawn));
  PartitionTestBody replay = body;
  replay.seed = report.seed;
  EXPECT_EQ(encoded(answer_partition_test(replay, {}, node_rng)), encoded(drawn));
}

TEST(PartitionTest, PastTheVirtualTimeCapNoFurtherOpIsInvoked) {
  Limits limits;
  limits.partition_test_virtual_ms_max = 2'000;
  const PartitionTestBody body = request(3, 200, 10, 150);
  const PartitionTestReport report = run_ok(body, limits);
  expect_consistent(body, report);
  EXPECT_GT(report.ops_not_issued, 0);
  EXPECT_LT(report.total_ops, 200);
  // Ops in flight at the cap still complete, within the client's timeout.
  EXPECT_LT(report.virtual_ms, 2'000 + 1'000 + 100);
  EXPECT_TRUE(report.check.linearizable);
}

TEST(PartitionTest, TheHistoryComesBackWhenAskedAndChecksTheSame) {
  PartitionTestBody body = request(5, 60, 20, 40);
  body.include_history = true;
  const PartitionTestReport report = run_ok(body);
  ASSERT_TRUE(report.history);
  EXPECT_EQ(static_cast<int64_t>(report.history->size()), 2 * report.total_ops)
      << "an invocation and a completion per op";
  const auto verdicts = check_kv_history(*report.history);
  ASSERT_TRUE(verdicts.ok());
  for (const KvKeyVerdict& verdict : verdicts.value()) {
    EXPECT_EQ(verdict.verdict, lin::Verdict::kLinearizable);
  }
  const nlohmann::json reply = nlohmann::json::parse(
      encoded(PartitionTestOkBody{std::make_shared<PartitionTestReport>(report)}))["body"];
  ASSERT_TRUE(reply["history"].is_array());
  EXPECT_EQ(reply["history"].size(), report.history->size());
  EXPECT_EQ(reply["history"][0]["type"], "invoke");
}

TEST(PartitionTest, ABrokenRaftThatAcknowledgesUncommittedWritesIsCaught) {
  // The old leader, cut off, acknowledges writes it could never commit; the
  // majority never sees them, so a later read contradicts an ok write.
  kv::RaftKvOptions broken;
  broken.flaw_ack_before_commit = true;
  int64_t caught_at = 0;
  for (int64_t seed = 1; seed <= 30 && caught_at == 0; ++seed) {
    const Body answer = run_partition_test(request(3, 150, 20, 130), {}, seed, broken);
    const auto& report = *std::get<PartitionTestOkBody>(answer).report;
    if (report.check.linearizable) continue;
    caught_at = seed;
    ASSERT_FALSE(report.check.violations.empty());
    EXPECT_NE(report.check.violations[0].window.description.find("cannot linearize"),
              std::string::npos)
        << report.check.violations[0].window.description;
    const nlohmann::json reply = nlohmann::json::parse(encoded(answer))["body"];
    EXPECT_EQ(reply["linearizable"], false);
    EXPECT_EQ(reply["violations"].size(), report.check.violations.size());
  }
  EXPECT_GT(caught_at, 0) << "no stale read caught in 30 seeds";
}

TEST(PartitionTest, BadArgumentsAreError12WithTheReason) {
  Limits limits;
  const std::vector<std::pair<PartitionTestBody, std::string>> cases{
      {request(0, 10, 2, 8), "field 'cluster_size' must be in [1, 9]"},
      {request(10, 10, 2, 8), "field 'cluster_size' must be in [1, 9]"},
      {request(5, 0, 0, 0), "field 'operations' must be in [1, 10000]"},
      {request(5, 10'001, 2, 8), "field 'operations' must be in [1, 10000]"},
      {request(5, 10, -1, 8), "field 'partition_after_op' must be in [0, 10] (operations), got -1"},
      {request(5, 10, 11, 11), "field 'partition_after_op' must be in [0, 10]"},
      {request(5, 10, 2, 11), "field 'heal_after_op' must be in [0, 10]"},
      {request(5, 10, 8, 2), "heal_after_op (2) comes before partition_after_op (8)"},
      {request(5, 10, 2, 8, -5), "field 'seed' must be a non-negative integer"},
  };
  Rng rng(1);
  for (const auto& [body, reason] : cases) {
    const Body answer = answer_partition_test(body, limits, rng);
    ASSERT_TRUE(std::holds_alternative<ErrorBody>(answer)) << reason;
    EXPECT_EQ(std::get<ErrorBody>(answer).code, 12);
    EXPECT_NE(std::get<ErrorBody>(answer).text.find(reason), std::string::npos)
        << std::get<ErrorBody>(answer).text;
  }
  limits.partition_test_cluster_size_max = 3;
  EXPECT_EQ(validate_partition_test(request(4, 10, 2, 8), limits),
            "field 'cluster_size' must be in [1, 3] (partition_test_cluster_size_max), got 4");
}

TEST(PartitionTest, TheCodecReadsTheRequestAndChecksItsFieldTypes) {
  const auto decoded = decode_line(
      R"({"src":"c1","dest":"n1","body":{"type":"partition_test","msg_id":2,"cluster_size":5,)"
      R"("operations":20,"partition_after_op":5,"heal_after_op":15}})",
      Limits{});
  ASSERT_TRUE(decoded.ok());
  const auto& body = std::get<PartitionTestBody>(decoded.value().body);
  EXPECT_EQ(body.cluster_size, 5);
  EXPECT_EQ(body.operations, 20);
  EXPECT_EQ(body.partition_after_op, 5);
  EXPECT_EQ(body.heal_after_op, 15);
  EXPECT_FALSE(body.seed);
  EXPECT_FALSE(body.include_history);
  EXPECT_EQ(encode_line(decoded.value()),
            R"({"src":"c1","dest":"n1","body":{"type":"partition_test","msg_id":2,)"
            R"("cluster_size":5,"operations":20,"partition_after_op":5,"heal_after_op":15}})"
            "\n");

  const std::vector<std::pair<std::string, std::string>> bad{
      {R"("operations":20,"partition_after_op":5,"heal_after_op":15)",
       "missing field 'cluster_size'"},
      {R"("cluster_size":"5","operations":20,"partition_after_op":5,"heal_after_op":15)",
       "field 'cluster_size' must be an integer, got a string"},
      {R"("cluster_size":5,"operations":2.5,"partition_after_op":5,"heal_after_op":15)",
       "field 'operations' must be an integer, got a fractional number"},
      {R"("cluster_size":5,"operations":20,"heal_after_op":15)",
       "missing field 'partition_after_op'"},
      {R"("cluster_size":5,"operations":20,"partition_after_op":5,"heal_after_op":null)",
       "field 'heal_after_op' must be an integer, got null"},
      {R"("cluster_size":5,"operations":20,"partition_after_op":5,"heal_after_op":15,"seed":"x")",
       "field 'seed' must be an integer"},
      {R"("cluster_size":5,"operations":20,"partition_after_op":5,"heal_after_op":15,)"
       R"("include_history":1)",
       "field 'include_history' must be a boolean"},
  };
  for (const auto& [fields, reason] : bad) {
    const auto result = decode_line(
        R"({"src":"c1","dest":"n1","body":{"type":"partition_test","msg_id":3,)" + fields + "}}",
        Limits{});
    ASSERT_FALSE(result.ok()) << fields;
    EXPECT_EQ(result.error().code, ErrorCode::kMalformedRequest);
    EXPECT_EQ(result.error().msg_id, 3) << "answerable";
    EXPECT_NE(result.error().text.find(reason), std::string::npos) << result.error().text;
  }
}

TEST(PartitionTest, TheReplyCarriesSeed003sFieldsFirstAndLeadersAsNullWhenNone) {
  PartitionTestReport report;
  report.total_ops = 10;
  report.ops_during_partition = 6;
  report.ops_succeeded = 7;
  report.ops_rejected = 2;
  report.ops_indeterminate = 1;
  report.rejected_by_code = {{11, 1}, {22, 1}};
  report.leader_before = "n2";
  report.leader_side = {"n2"};
  report.other_side = {"n1", "n3"};
  report.seed = 4;
  EXPECT_EQ(encoded(PartitionTestOkBody{std::make_shared<PartitionTestReport>(report)}),
            R"({"src":"n1","dest":"c1","body":{"type":"partition_test_ok","msg_id":1,)"
            R"("in_reply_to":1,"total_ops":10,"ops_during_partition":6,"ops_succeeded":7,)"
            R"("ops_rejected":2,"linearizable":true,"violations":[],"ops_indeterminate":1,)"
            R"("ops_not_issued":0,"ops_succeeded_during_partition":0,)"
            R"("rejected_by_code":{"11":1,"22":1},"leader_before":"n2","leader_side":["n2"],)"
            R"("other_side":["n1","n3"],"majority_leader":null,"leader_after":null,)"
            R"("elections":0,"virtual_ms":0,"seed":4}})"
            "\n");
}

TEST(PartitionTest, EveryStrategysNodeAnswersIt) {
  for (const StrategyInfo& strategy : strategies()) {
    auto application = make_strategy(strategy.name);
    ASSERT_TRUE(application.ok()) << strategy.name;
    Node node(NodeConfig{Limits{}, 5}, std::move(application).value());
    node.step(0, Received{Message{"c0", "n1", 1, std::nullopt, InitBody{"n1", {"n1"}}}});
    const std::vector<Effect> effects =
        node.step(1, Received{Message{"c1", "n1", 2, std::nullopt, request(3, 20, 5, 15)}});
    bool answered = false;
    for (const Effect& effect : effects) {
      const auto* send = std::get_if<SendEffect>(&effect);
      if (send == nullptr || send->message.dest != "c1") continue;
      answered = true;
      EXPECT_EQ(send->message.in_reply_to, 2);
      const auto* ok = std::get_if<PartitionTestOkBody>(&send->message.body);
      ASSERT_NE(ok, nullptr) << strategy.name << ": " << body_type(send->message.body);
      EXPECT_EQ(ok->report->total_ops, 20);
      EXPECT_TRUE(ok->report->check.linearizable);
    }
    EXPECT_TRUE(answered) << strategy.name;
  }
}

}  // namespace
}  // namespace eddy::core
