// kafka::SingleNodeKafka driven through core::Node, the way eddy-node runs it
// (Maelstrom workload/kafka.clj).
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <algorithm>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/json_codec.h"
#include "core/kafka/single_node.h"
#include "core/node.h"
#include "core/strategy.h"

namespace eddy::core::kafka {
namespace {

using test_support::body_of;

using Offsets = std::vector<int64_t>;

class SingleNodeKafkaTest : public testing::Test {
 protected:
  explicit SingleNodeKafkaTest(Limits limits = Limits{}) {
    auto app = std::make_unique<SingleNodeKafka>();
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{limits, 1}, std::move(app));
  }

  // Sends one request from c1 and returns the node's only reply to it.
  Message ask(Body body) {
    const int64_t msg_id = next_msg_id_++;
    last_effects_ =
        node_->step(0, Received{Message{"c1", "n0", msg_id, std::nullopt, std::move(body)}});
    std::vector<Message> replies;
    for (const Effect& effect : last_effects_) {
      if (const auto* send = std::get_if<SendEffect>(&effect)) replies.push_back(send->message);
    }
    if (replies.size() != 1) {
      ADD_FAILURE() << "expected one reply, got " << replies.size();
      return Message{};
    }
    EXPECT_EQ(replies[0].in_reply_to, msg_id);
    EXPECT_EQ(replies[0].dest, "c1");
    return replies[0];
  }

  void init(std::vector<std::string> node_ids = {"n0"}) {
    body_of<InitOkBody>(ask(InitBody{"n0", std::move(node_ids)}));
  }
  int64_t send(const std::string& key, Value msg) {
    return body_of<SendOkBody>(ask(SendBody{key, std::move(msg)})).offset;
  }
  PollOkBody poll(KeyOffsets offsets) {
    return body_of<PollOkBody>(ask(PollBody{std::move(offsets)}));
  }
  void commit(KeyOffsets offsets) {
    body_of<CommitOffsetsOkBody>(ask(CommitOffsetsBody{std::move(offsets)}));
  }
  KeyOffsets list(std::vector<std::string> keys) {
    return body_of<ListCommittedOffsetsOkBody>(ask(ListCommittedOffsetsBody{std::move(keys)}))
        .offsets;
  }

  SingleNodeKafka* app_ = nullptr;
  std::unique_ptr<Node> node_;
  std::vector<Effect> last_effects_;
  int64_t next_msg_id_ = 1;
};

std::vector<int64_t> offsets_of(const std::vector<Record>& records) {
  std::vector<int64_t> out;
  for (const Record& record : records) out.push_back(record.offset);
  return out;
}

TEST_F(SingleNodeKafkaTest, SendOffsetsIncreaseFromZeroPerKey) {
  init();
  EXPECT_EQ(send("a", Value(1)), 0);
  EXPECT_EQ(send("a", Value(2)), 1);
  EXPECT_EQ(send("b", Value(1)), 0);
  EXPECT_EQ(send("a", Value(3)), 2);
  EXPECT_EQ(send("b", Value(2)), 1);
}

TEST_F(SingleNodeKafkaTest, ReplyComesFromTheNodeToTheClient) {
  init();
  const Message reply = ask(SendBody{"a", Value(1)});
  EXPECT_EQ(reply.src, "n0");
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_TRUE(reply.msg_id.has_value());
}

TEST_F(SingleNodeKafkaTest, PollReturnsTheRunFromTheRequestedOffset) {
  init();
  send("a", Value(10));
  send("a", Value::from_json_text(R"({"m":1})"));
  send("a", Value(30));
  const PollOkBody result = poll({{"a", 1}});
  ASSERT_EQ(result.msgs.size(), 1u);
  EXPECT_EQ(result.msgs[0].first, "a");
  ASSERT_EQ(offsets_of(result.msgs[0].second), (Offsets{1, 2}));
  EXPECT_EQ(result.msgs[0].second[0].msg.to_json_text(), R"({"m":1})");
  EXPECT_EQ(result.msgs[0].second[1].msg, Value(30));
}

TEST_F(SingleNodeKafkaTest, PollOmitsKeysWithNothingToReturn) {
  init();
  send("a", Value(1));
  send("b", Value(1));
  const PollOkBody result = poll({{"a", 0}, {"b", 5}, {"never", 0}});
  ASSERT_EQ(result.msgs.size(), 1u);
  EXPECT_EQ(result.msgs[0].first, "a");
  EXPECT_TRUE(poll({{"b", 1}}).msgs.empty());
}

TEST_F(SingleNodeKafkaTest, PollOfSeveralKeysKeepsKeyOrder) {
  init();
  for (const char* key : {"c", "a", "b"}) send(key, Value(1));
  const PollOkBody result = poll({{"a", 0}, {"b", 0}, {"c", 0}});
  ASSERT_EQ(result.msgs.size(), 3u);
  EXPECT_EQ(result.msgs[0].first, "a");
  EXPECT_EQ(result.msgs[1].first, "b");
  EXPECT_EQ(result.msgs[2].first, "c");
}

class SingleNodeKafkaSmallPollTest : public SingleNodeKafkaTest {
 protected:
  static Limits small_poll() {
    Limits limits;
    limits.poll_msgs_per_key_max = 3;
    return limits;
  }
  SingleNodeKafkaSmallPollTest() : SingleNodeKafkaTest(small_poll()) {}
};

TEST_F(SingleNodeKafkaSmallPollTest, PollIsCappedPerKey) {
  init();
  for (int i = 0; i < 5; ++i) send("a", Value(i));
  for (int i = 0; i < 2; ++i) send("b", Value(i));
  const PollOkBody first = poll({{"a", 0}, {"b", 0}});
  ASSERT_EQ(first.msgs.size(), 2u);
  EXPECT_EQ(offsets_of(first.msgs[0].second), (Offsets{0, 1, 2}));
  EXPECT_EQ(offsets_of(first.msgs[1].second), (Offsets{0, 1}));
  const PollOkBody next = poll({{"a", 3}});
  ASSERT_EQ(next.msgs.size(), 1u);
  EXPECT_EQ(offsets_of(next.msgs[0].second), (Offsets{3, 4}));
}

TEST_F(SingleNodeKafkaTest, CommitNeverMovesBackwards) {
  init();
  commit({{"a", 5}});
  commit({{"a", 2}});
  EXPECT_EQ(list({"a"}), (KeyOffsets{{"a", 5}}));
  commit({{"a", 6}});
  EXPECT_EQ(list({"a"}), (KeyOffsets{{"a", 6}}));
}

TEST_F(SingleNodeKafkaTest, ListOmitsKeysNeverCommitted) {
  init();
  send("a", Value(1));
  send("b", Value(1));
  commit({{"a", 0}});
  EXPECT_EQ(list({"a", "b", "never"}), (KeyOffsets{{"a", 0}}));
  EXPECT_TRUE(list({"b"}).empty());
}

TEST_F(SingleNodeKafkaTest, CommitOfSeveralKeysAtOnce) {
  init();
  commit({{"a", 1}, {"b", 2}});
  EXPECT_EQ(list({"a", "b"}), (KeyOffsets{{"a", 1}, {"b", 2}}));
}

// message.h documents KeyOffsets as "sorted by key" (the codec's PollBody and
// CommitOffsetsBody are, since they come from JSON objects). The reply to a
// list whose keys arrive unsorted or repeated must keep that contract: a
// repeated key would also write a JSON object with a duplicate name.
TEST_F(SingleNodeKafkaTest, ListReplyIsSortedAndUniqueByKey_KeyOffsetsContract) {
  init();
  commit({{"a", 1}, {"b", 2}});
  EXPECT_EQ(list({"b", "a"}), (KeyOffsets{{"a", 1}, {"b", 2}}));
  EXPECT_EQ(list({"a", "a"}), (KeyOffsets{{"a", 1}}));
}

TEST_F(SingleNodeKafkaTest, PollOfACommittedButEmptyKeyIsEmpty) {
  init();
  commit({{"a", 3}});
  EXPECT_TRUE(poll({{"a", 0}}).msgs.empty());
}

TEST_F(SingleNodeKafkaTest, NonKafkaRequestGetsError10) {
  init();
  const Message reply = ask(KvReadBody{Value(1)});
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 10);
}

TEST_F(SingleNodeKafkaTest, TwoNodeClusterAnswersEveryKafkaRequestWithError11) {
  init({"n0", "n1"});
  for (Body body : {Body{SendBody{"a", Value(1)}}, Body{PollBody{{{"a", 0}}}},
                    Body{CommitOffsetsBody{{{"a", 0}}}}, Body{ListCommittedOffsetsBody{{"a"}}}}) {
    SCOPED_TRACE(std::string(body_type(body)));
    const Message reply = ask(std::move(body));
    const auto& error = body_of<ErrorBody>(reply);
    EXPECT_EQ(error.code, 11);
    EXPECT_TRUE(is_definite(error.code));
  }
  EXPECT_EQ(app_->log().record_count(), 0u);
  EXPECT_EQ(app_->log().key_count(), 0u);
}

TEST_F(SingleNodeKafkaTest, TwoNodeInitIsAcceptedWithAWarning) {
  const Message reply = ask(InitBody{"n0", {"n0", "n1"}});
  body_of<InitOkBody>(reply);
  int warnings = 0;
  for (const Effect& effect : last_effects_) {
    const auto* log = std::get_if<LogEffect>(&effect);
    warnings += log != nullptr && log->level == LogLevel::kWarn ? 1 : 0;
  }
  EXPECT_EQ(warnings, 1);
}

TEST_F(SingleNodeKafkaTest, InvariantsHoldAfterAWorkload) {
  init();
  for (int i = 0; i < 200; ++i) {
    const std::string key = std::to_string(i % 10);
    send(key, Value(i));
    if (i % 3 == 0) poll({{key, i % 7}});
    if (i % 4 == 0) commit({{key, i % 5}});
    if (i % 9 == 0) list({key, "x"});
    node_->check_invariants();
  }
  EXPECT_EQ(app_->log().record_count(), 200u);
}

TEST_F(SingleNodeKafkaTest, ExactWireExchange) {
  const auto step_line = [this](std::string_view line) {
    DecodeResult decoded = decode_line(line, Limits{});
    EXPECT_TRUE(decoded.ok());
    std::string out;
    for (const Effect& effect : node_->step(0, Received{std::move(decoded).value()})) {
      if (const auto* send_effect = std::get_if<SendEffect>(&effect))
        encode_line(send_effect->message, out);
    }
    return out;
  };
  EXPECT_EQ(
      step_line(
          R"({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})"),
      R"({"src":"n0","dest":"c0","body":{"type":"init_ok","msg_id":1,"in_reply_to":1}})"
      "\n");
  EXPECT_EQ(
      step_line(R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":1,"key":"9","msg":1}})"),
      R"({"src":"n0","dest":"c1","body":{"type":"send_ok","msg_id":2,"in_reply_to":1,"offset":0}})"
      "\n");
  EXPECT_EQ(
      step_line(R"({"src":"c1","dest":"n0","body":{"type":"poll","msg_id":2,"offsets":{"9":0}}})"),
      R"({"src":"n0","dest":"c1","body":{"type":"poll_ok","msg_id":3,"in_reply_to":2,"msgs":{"9":[[0,1]]}}})"
      "\n");
  EXPECT_EQ(
      step_line(
          R"({"src":"c1","dest":"n0","body":{"type":"commit_offsets","msg_id":3,"offsets":{"9":0}}})"),
      R"({"src":"n0","dest":"c1","body":{"type":"commit_offsets_ok","msg_id":4,"in_reply_to":3}})"
      "\n");
  EXPECT_EQ(
      step_line(
          R"({"src":"c1","dest":"n0","body":{"type":"list_committed_offsets","msg_id":4,"keys":["9","8"]}})"),
      R"({"src":"n0","dest":"c1","body":{"type":"list_committed_offsets_ok","msg_id":5,"in_reply_to":4,"offsets":{"9":0}}})"
      "\n");
}

TEST(KafkaStrategy, SingleIsKnown) {
  ASSERT_FALSE(strategies().empty());
  EXPECT_TRUE(std::any_of(strategies().begin(), strategies().end(),
                          [](const StrategyInfo& info) { return info.name == "single"; }));
  auto made = make_strategy("single");
  ASSERT_TRUE(made.ok());
  EXPECT_NE(dynamic_cast<SingleNodeKafka*>(made.value().get()), nullptr);
}

TEST(KafkaStrategy, UnknownNameListsTheKnownOnes) {
  const auto made = make_strategy("paxos");
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().rfind("unknown strategy 'paxos' (known: ", 0), 0u) << made.error();
  EXPECT_NE(made.error().find("single"), std::string::npos) << made.error();
}

}  // namespace
}  // namespace eddy::core::kafka
