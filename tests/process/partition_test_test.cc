// Seed 003's partition_test RPC against the real eddy-node: the seed's two
// sample sessions, read from the seed file and sent byte for byte (the
// expected init_ok, then a partition_test_ok with seed 003's fields within
// the seed's 10 s limit); every strategy answers it; error 12 for bad
// arguments and the node serving on; replay by seed through the wire; the
// history it returns checked again by verify_linearizability; and the wall
// time of a 100-op run on 5 nodes, printed (a figure, not a timed test: only
// the seed's own 10 s limit is asserted).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

// Seed 003's limit for each sample session.
constexpr Ms kSeedTimeout{10'000};

// One "Input" / "Expected Output" pair of the seed file, as its lines.
struct SeedSession {
  std::vector<std::string> input;
  std::vector<std::string> expected;
};

std::vector<SeedSession> seed_sessions() {
  std::ifstream file(EDDY_SEEDS_DIR "/003_4a4e37fb5712212c.txt");
  std::vector<SeedSession> sessions;
  std::vector<std::string>* target = nullptr;
  for (std::string line; std::getline(file, line);) {
    if (line == "Input") {
      sessions.emplace_back();
      target = &sessions.back().input;
    } else if (line == "Expected Output" && !sessions.empty()) {
      target = &sessions.back().expected;
    } else if (target != nullptr && !line.empty() && line.front() == '{') {
      target->push_back(line);
    } else {
      target = nullptr;
    }
  }
  return sessions;
}

// The fields of every partition_test_ok (docs/partition-test.md), besides
// type, msg_id and in_reply_to.
std::set<std::string> ok_fields(bool with_history = false) {
  std::set<std::string> fields{
      "total_ops",         "ops_during_partition", "ops_succeeded",
      "ops_rejected",      "linearizable",         "violations",
      "ops_indeterminate", "ops_not_issued",       "ops_succeeded_during_partition",
      "rejected_by_code",  "leader_before",        "leader_side",
      "other_side",        "majority_leader",      "leader_after",
      "elections",         "virtual_ms",           "seed"};
  if (with_history) fields.insert("history");
  return fields;
}

// Checks that `body` is a partition_test_ok with exactly its fields.
void expect_ok_body(const json& body, bool with_history = false) {
  EXPECT_EQ(body.value("type", json()), "partition_test_ok") << body;
  std::set<std::string> fields = ok_fields(with_history);
  fields.insert({"type", "msg_id", "in_reply_to"});
  EXPECT_EQ(keys_of(body), fields) << body;
}

// Sends a partition_test and reads its ok reply.
json call_ok(KafkaSession& node, json request, Ms timeout = Ms(10'000)) {
  const bool with_history = request.value("include_history", false);
  const json reply = node.read_reply(node.send_request(std::move(request)), timeout);
  expect_ok_body(reply, with_history);
  return reply;
}

json partition_test(int64_t cluster_size, int64_t operations, int64_t after, int64_t heal) {
  return json{{"type", "partition_test"},
              {"cluster_size", cluster_size},
              {"operations", operations},
              {"partition_after_op", after},
              {"heal_after_op", heal}};
}

// The reply's fields that do not depend on when it was sent.
json without_envelope_ids(json body) {
  body.erase("msg_id");
  body.erase("in_reply_to");
  return body;
}

TEST(PartitionTestProcess, Seed003SampleSessions) {
  const std::vector<SeedSession> sessions = seed_sessions();
  ASSERT_EQ(sessions.size(), 2u) << "seed 003 has two sample sessions";
  for (const SeedSession& session : sessions) {
    ASSERT_EQ(session.input.size(), 2u);
    ASSERT_EQ(session.expected.size(), 1u);
    NodeProcess node(EDDY_NODE_BIN, {}, KafkaSession::hermetic({}));
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& line : session.input) ASSERT_TRUE(node.write_line(line));

    // What the seed shows: the init_ok, field for field. Its msg_id is 0,
    // the reference node's first; Eddy numbers its messages from 1
    // (Maelstrom asks only that they be unique), so that one value differs.
    const auto init_ok = node.read_line(kSeedTimeout);
    ASSERT_TRUE(init_ok) << node.stderr_text();
    EXPECT_EQ(*init_ok,
              R"({"src":"n1","dest":"c0","body":{"type":"init_ok","msg_id":1,"in_reply_to":1}})");
    json expected = json::parse(session.expected[0]);
    json got = json::parse(*init_ok);
    EXPECT_EQ(expected["body"]["msg_id"], 0);
    expected["body"].erase("msg_id");
    got["body"].erase("msg_id");
    EXPECT_EQ(got, expected);

    // Then the answer, within the seed's limit.
    const auto line = node.read_line(kSeedTimeout);
    ASSERT_TRUE(line) << "no partition_test_ok within 10 s; stderr:\n" << node.stderr_text();
    const double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const json request = json::parse(session.input[1])["body"];
    const json reply = json::parse(*line);
    EXPECT_EQ(reply["src"], "n1");
    EXPECT_EQ(reply["dest"], "c1");
    const json& body = reply["body"];
    expect_ok_body(body);
    EXPECT_EQ(body["in_reply_to"], request["msg_id"]);
    EXPECT_EQ(body["total_ops"], request["operations"]);
    EXPECT_EQ(
        body["ops_during_partition"].get<int64_t>(),
        request["heal_after_op"].get<int64_t>() - request["partition_after_op"].get<int64_t>());
    EXPECT_EQ(body["ops_succeeded"].get<int64_t>() + body["ops_rejected"].get<int64_t>() +
                  body["ops_indeterminate"].get<int64_t>(),
              body["total_ops"].get<int64_t>());
    EXPECT_EQ(body["linearizable"], true) << body;
    EXPECT_EQ(body["violations"], json::array());
    std::cout << "seed 003 session of " << request["operations"] << " ops: answered in " << wall_ms
              << " ms of wall time (init included): " << body.dump() << "\n";
    node.close_stdin();
    EXPECT_TRUE(node.finish().ok()) << node.stderr_text();
    EXPECT_EQ(node.unread_stdout(), "");
  }
}

TEST(PartitionTestProcess, WallTimeOfAHundredOpsOnFiveNodes) {
  KafkaSession node;
  node.init();
  for (int run = 0; run < 3; ++run) {
    const auto start = std::chrono::steady_clock::now();
    const json reply = call_ok(node, partition_test(5, 100, 30, 70), kSeedTimeout);
    const double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(reply["total_ops"], 100);
    EXPECT_EQ(reply["ops_during_partition"], 40);
    EXPECT_EQ(reply["linearizable"], true);
    std::cout << "partition_test, 100 ops on 5 nodes (30..70): " << wall_ms
              << " ms of wall time, round trip through eddy-node; virtual " << reply["virtual_ms"]
              << " ms, seed " << reply["seed"] << "\n";
  }
  node.expect_clean_exit();
}

TEST(PartitionTestProcess, EveryStrategyAnswersIt) {
  for (const char* strategy : {"gossip", "linkv", "leader", "single", "proxy", "raft"}) {
    NodeProcess node(EDDY_NODE_BIN, {"--strategy", strategy}, KafkaSession::hermetic({}));
    ASSERT_TRUE(node.write_line(
        R"({"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}})"));
    json body = partition_test(3, 30, 10, 20);
    body["msg_id"] = 2;
    ASSERT_TRUE(node.write_line(json{{"src", "c1"}, {"dest", "n1"}, {"body", body}}.dump()));
    json reply;
    // Some strategies talk to services as they start: read past that.
    for (int lines = 0; lines < 100 && reply.is_null(); ++lines) {
      const auto line = node.read_line(kSeedTimeout);
      ASSERT_TRUE(line.has_value()) << strategy << ": no reply; stderr:\n" << node.stderr_text();
      const json message = json::parse(*line);
      if (message["dest"] == "c1") reply = message["body"];
    }
    EXPECT_EQ(reply["type"], "partition_test_ok") << strategy << ": " << reply;
    EXPECT_EQ(reply["in_reply_to"], 2) << strategy;
    EXPECT_EQ(reply["total_ops"], 30) << strategy;
    EXPECT_EQ(reply["linearizable"], true) << strategy;
  }
}

TEST(PartitionTestProcess, BadArgumentsAreError12AndTheNodeServesOn) {
  KafkaSession node({"--partition-test-operations-max", "500"});
  node.init();
  json mistyped = partition_test(5, 100, 30, 70);
  mistyped["cluster_size"] = "five";
  json missing = partition_test(5, 100, 30, 70);
  missing.erase("heal_after_op");
  json negative_seed = partition_test(5, 100, 30, 70);
  negative_seed["seed"] = -1;
  const std::vector<std::pair<json, std::string>> cases{
      {missing, "missing field 'heal_after_op'"},
      {mistyped, "field 'cluster_size' must be an integer, got a string"},
      {partition_test(0, 100, 30, 70), "field 'cluster_size' must be in [1, 9]"},
      {partition_test(10, 100, 30, 70), "field 'cluster_size' must be in [1, 9]"},
      {partition_test(5, 0, 0, 0), "field 'operations' must be in [1, 500]"},
      {partition_test(5, 501, 30, 70),
       "field 'operations' must be in [1, 500] (partition_test_operations_max), got 501"},
      {partition_test(5, 100, 101, 101), "field 'partition_after_op' must be in [0, 100]"},
      {partition_test(5, 100, 30, -2), "field 'heal_after_op' must be in [0, 100]"},
      {partition_test(5, 100, 70, 30), "heal_after_op (30) comes before partition_after_op (70)"},
      {negative_seed, "field 'seed' must be a non-negative integer, got -1"},
  };
  for (const auto& [body, reason] : cases) {
    const std::string text = node.expect_error(node.send_request(body), 12);
    EXPECT_NE(text.find(reason), std::string::npos) << body.dump() << " -> " << text;
  }
  const json reply = call_ok(node, partition_test(3, 20, 5, 15));
  EXPECT_EQ(reply["total_ops"], 20);
  node.expect_clean_exit();
}

TEST(PartitionTestProcess, TheSeedInTheReplyReplaysTheRunAndItsHistoryChecksAgain) {
  KafkaSession node({"--seed", "42"});
  node.init();
  json request = partition_test(5, 60, 20, 45);
  const json first = call_ok(node, request);
  request["seed"] = first["seed"];
  request["include_history"] = true;
  const json again = call_ok(node, request);
  json replayed = without_envelope_ids(again);
  ASSERT_TRUE(replayed["history"].is_array());
  const json history = replayed["history"];
  replayed.erase("history");
  EXPECT_EQ(replayed, without_envelope_ids(first)) << "the same seed, the same run";
  EXPECT_EQ(history.size(), 2 * first["total_ops"].get<size_t>());
  // The history, sent back as it came, gets the same verdict.
  const json verdict = node.call(json{{"type", "verify_linearizability"}, {"history", history}},
                                 "verify_linearizability_ok", {"linearizable", "violations"});
  EXPECT_EQ(verdict["linearizable"], first["linearizable"]);
  node.expect_clean_exit();
}

}  // namespace
}  // namespace eddy::testing
