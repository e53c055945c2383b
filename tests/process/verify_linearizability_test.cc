// Seed 003's verify_linearizability RPC against the real eddy-node: every
// strategy answers it; linearizable and non-linearizable histories in both
// accepted shapes (Jepsen-like records with `value: [from, to]`, and Eddy's
// lin-kv history lines); malformed histories get error 12 naming the first
// bad record; a history past the search budget gets error 13; and the node
// keeps serving afterwards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

json record(int64_t process, const char* type, const char* f, json value = nullptr, json key = 0) {
  json r{{"process", process}, {"type", type}, {"f", f}, {"key", std::move(key)}};
  if (!value.is_null()) r["value"] = std::move(value);
  return r;
}

json verify(json history) {
  return json{{"type", "verify_linearizability"}, {"history", std::move(history)}};
}

// Sends a verify_linearizability and expects its ok reply.
json verify_ok(KafkaSession& node, json history) {
  const int64_t id = node.send_request(verify(std::move(history)));
  return node.expect_reply(id, "verify_linearizability_ok", {"linearizable", "violations"});
}

TEST(VerifyLinearizability, EveryStrategyAnswersIt) {
  const json history = json::array({record(0, "invoke", "write", 3), record(0, "ok", "write", 3),
                                    record(1, "invoke", "read"), record(1, "ok", "read", 3)});
  for (const char* strategy : {"gossip", "linkv", "leader", "single", "proxy"}) {
    // Some strategies talk to lin-kv or their peers as soon as they start:
    // read past those messages to the client's replies.
    NodeProcess node(EDDY_NODE_BIN, {"--strategy", strategy}, KafkaSession::hermetic({}));
    ASSERT_TRUE(node.write_line(
        R"({"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}})"));
    ASSERT_TRUE(node.write_line(json{
        {"src", "c1"},
        {"dest", "n1"},
        {"body", json{{"type", "verify_linearizability"}, {"msg_id", 2}, {"history", history}}}}
                                    .dump()));
    json reply;
    for (int lines = 0; lines < 100 && reply.is_null(); ++lines) {
      const auto line = node.read_line(Ms(2'000));
      ASSERT_TRUE(line.has_value()) << strategy << ": no reply; stderr:\n" << node.stderr_text();
      const json message = json::parse(*line);
      if (message["dest"] == "c1") reply = message["body"];
    }
    EXPECT_EQ(reply["type"], "verify_linearizability_ok") << strategy << ": " << reply;
    EXPECT_EQ(reply["in_reply_to"], 2) << strategy;
    EXPECT_EQ(reply["linearizable"], true) << strategy << ": " << reply;
    EXPECT_EQ(reply["violations"], json::array()) << strategy;
  }
}

TEST(VerifyLinearizability, AStaleReadIsAViolationWithItsWindow) {
  KafkaSession node({"--strategy", "proxy"});
  node.init();
  const json reply =
      verify_ok(node, json::array({record(0, "invoke", "write", 1), record(0, "ok", "write", 1),
                                   record(1, "invoke", "write", 2), record(2, "invoke", "read"),
                                   record(1, "ok", "write", 2), record(2, "ok", "read", 2),
                                   record(3, "invoke", "read"), record(3, "ok", "read", 1)}));
  EXPECT_EQ(reply["linearizable"], false) << reply;
  ASSERT_EQ(reply["violations"].size(), 1u) << reply;
  const json& violation = reply["violations"][0];
  EXPECT_EQ(keys_of(violation),
            (std::set<std::string>{"key", "op", "completion", "concurrent", "values_before",
                                   "description", "window_exact"}));
  EXPECT_EQ(violation["key"], 0);
  EXPECT_EQ(violation["op"], 6) << "the read of 1 at history[6] cannot be placed";
  EXPECT_EQ(violation["completion"], 7);
  EXPECT_EQ(violation["values_before"], json::array({2}));
  EXPECT_EQ(violation["concurrent"], json::array());
  EXPECT_NE(violation["description"].get<std::string>().find("read -> 1"), std::string::npos)
      << violation;
  node.expect_clean_exit();
}

TEST(VerifyLinearizability, AcceptsEddysLinKvHistoryLinesAndSkipsTheNemesis) {
  KafkaSession node({"--strategy", "proxy"});
  node.init();
  const json history = json::parse(R"([
    {"index":0,"time_us":0,"process":5,"type":"invoke","f":"cas","key":0,"from":3,"to":1,"node":"n0","client":"c10"},
    {"index":1,"time_us":3,"process":5,"type":"fail","f":"cas","key":0,"from":3,"to":1,"error":"key-does-not-exist: key does not exist","error_code":20},
    {"index":2,"time_us":5,"process":"nemesis","type":"info","f":"nemesis","nemesis":"start-partition one [n1] | [n0 n2]"},
    {"index":3,"time_us":7,"process":6,"type":"invoke","f":"write","key":0,"value":4},
    {"index":4,"time_us":9,"process":6,"type":"info","f":"write","key":0,"value":4,"error":"net-timeout"},
    {"index":5,"time_us":11,"process":0,"type":"invoke","f":"read","key":0},
    {"index":6,"time_us":12,"process":0,"type":"ok","f":"read","key":0,"value":4},
    {"index":7,"time_us":13,"process":1,"type":"invoke","f":"cas","key":0,"from":4,"to":2},
    {"index":8,"time_us":14,"process":1,"type":"ok","f":"cas","key":0,"from":4,"to":2}
  ])");
  EXPECT_EQ(verify_ok(node, history)["linearizable"], true);
  // The same history with the cas in Jepsen's shape, value [from, to].
  json jepsen = history;
  jepsen[7] = record(1, "invoke", "cas", json::array({4, 2}));
  jepsen[8] = record(1, "ok", "cas", json::array({4, 2}));
  EXPECT_EQ(verify_ok(node, jepsen)["linearizable"], true);
  // Two keys: key 1's register is judged apart from key 0's.
  jepsen.push_back(record(2, "invoke", "read", nullptr, 1));
  jepsen.push_back(record(2, "ok", "read", 7, 1));
  const json reply = verify_ok(node, jepsen);
  EXPECT_EQ(reply["linearizable"], false);
  ASSERT_EQ(reply["violations"].size(), 1u);
  EXPECT_EQ(reply["violations"][0]["key"], 1);
  node.expect_clean_exit();
}

TEST(VerifyLinearizability, MalformedHistoriesGetError12NamingTheFirstBadRecord) {
  KafkaSession node({"--strategy", "proxy"});
  node.init();
  const json good = record(0, "invoke", "write", 1);
  const std::vector<std::pair<json, std::string>> cases{
      {json{{"type", "verify_linearizability"}}, "missing field 'history'"},
      {json{{"type", "verify_linearizability"}, {"history", "none"}}, "must be an array"},
      {verify(json::array({good, 5})), "history[1]: a record must be an object"},
      {verify(json::array({json{{"type", "invoke"}, {"f", "read"}}})),
       "history[0]: missing 'process'"},
      {verify(json::array({record(0, "begin", "read")})), "history[0]: 'type' must be"},
      {verify(json::array({record(0, "invoke", "send")})),
       "history[0]: 'f' must be read, write or cas"},
      {verify(json::array({record(0, "invoke", "write")})), "history[0]: a write invocation needs"},
      {verify(json::array({record(0, "invoke", "cas", json::array({1}))})),
       "history[0]: a cas's 'value' must be [from, to]"},
      {verify(json::array({good, record(0, "ok", "write", 1), record(0, "ok", "write", 1)})),
       "history[2]: completion on process 0, which has no op in flight"},
      {verify(json::array({good, record(0, "invoke", "read")})),
       "history[1]: process 0 invoked an op"},
      {verify(json::array({good, record(0, "ok", "read", 1)})), "history[1]: read completion of the write invoked at position 0"},
      {verify(json::array({record(0, "invoke", "read"), record(0, "ok", "read")})),
       "history[1]: an ok read needs"},
  };
  for (const auto& [body, reason] : cases) {
    const int64_t id = node.send_request(body);
    const std::string text = node.expect_error(id, 12);
    EXPECT_NE(text.find(reason), std::string::npos) << body.dump() << " -> " << text;
  }
  // Deep nesting and a huge history are refused before they are searched.
  node.write_line(
      R"({"src":"c1","dest":"n0","body":{"type":"verify_linearizability","msg_id":900,"history":)" +
      std::string(1000, '[') + std::string(1000, ']') + "}}");
  node.expect_error(900, 12);
  // The node still serves.
  EXPECT_EQ(verify_ok(node, json::array({good, record(0, "ok", "write", 1)}))["linearizable"],
            true);
  node.expect_clean_exit();
}

TEST(VerifyLinearizability, TooManyRecordsIsError12) {
  KafkaSession node({"--strategy", "proxy", "--verify-history-records-max", "3"});
  node.init();
  json history = json::array();
  for (int64_t p = 0; p < 2; ++p) {
    history.push_back(record(p, "invoke", "write", p));
    history.push_back(record(p, "ok", "write", p));
  }
  const std::string text = node.expect_error(node.send_request(verify(history)), 12);
  EXPECT_NE(text.find("exceeds verify_history_records_max 3"), std::string::npos) << text;
  node.expect_clean_exit();
}

// Writes on many processes that are all in flight at once, then reads no
// write could explain: deciding it means trying every order of the writes.
json hard_history(int writers) {
  json history = json::array();
  for (int64_t p = 0; p < writers; ++p) history.push_back(record(p, "invoke", "write", p));
  for (int64_t p = 0; p < writers; ++p) history.push_back(record(p, "info", "write", p));
  for (int64_t r = 0; r < writers; ++r) {
    history.push_back(record(100 + r, "invoke", "read"));
    history.push_back(record(100 + r, "ok", "read", r % 2 == 0 ? r : writers - r));
  }
  history.push_back(record(999, "invoke", "read"));
  history.push_back(record(999, "ok", "read", 12345));
  return history;
}

TEST(VerifyLinearizability, PastTheSearchBudgetIsError13AndTheNodeGoesOn) {
  KafkaSession node({"--strategy", "proxy", "--verify-search-states-max", "50"});
  node.init();
  const std::string text = node.expect_error(node.send_request(verify(hard_history(12))), 13);
  EXPECT_NE(text.find("linearizability unknown"), std::string::npos) << text;
  // Other requests are served at once.
  const json small = json::array({record(0, "invoke", "write", 1), record(0, "ok", "write", 1)});
  const int64_t id = node.send_request(verify(small));
  node.expect_reply(id, "verify_linearizability_ok", {"linearizable", "violations"}, Ms(500));
  node.expect_clean_exit();
}

TEST(VerifyLinearizability, BeforeInitItIsRefusedLikeAnyRequest) {
  KafkaSession node({"--strategy", "proxy"});
  node.expect_error(node.send_request(verify(json::array())), 11);
  node.expect_clean_exit();
}

}  // namespace
}  // namespace eddy::testing
