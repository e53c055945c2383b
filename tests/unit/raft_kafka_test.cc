// Kafka on Raft: the KafkaMachine the raft strategy replicates
// (core/kafka/raft_machine.h) and RaftKv serving the kafka workload
// (core/kv/raft_kv.h). The machine: offsets decided at apply, duplicates
// applied once, committed offsets that never go back, poll limits, snapshots
// that restore an equal machine. The wire: a forwarded send or commit carries
// its client's request id. The serving: a cluster of three
// (core/sim_cluster.h) answers all four requests through any node, applies a
// send that reaches it twice (through two nodes) once, keeps committed
// offsets across a change of leader, and a node restarted from a snapshot
// serves the logs it holds.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/error_code.h"
#include "core/json_codec.h"
#include "core/kafka/raft_machine.h"
#include "core/kv/kv_machine.h"
#include "core/kv/raft_kv.h"
#include "core/node.h"
#include "core/sim_cluster.h"
#include "tests/unit/body_of.h"

namespace eddy::core {
namespace {

using kafka::encode_commit;
using kafka::encode_send;
using kafka::KafkaMachine;
using test_support::body_of;

int64_t offset_of(const Body& reply) {
  const auto* ok = std::get_if<SendOkBody>(&reply);
  EXPECT_NE(ok, nullptr);
  return ok ? ok->offset : -1;
}

Value send(const std::string& key, int64_t msg, const std::string& origin, int64_t msg_id) {
  return encode_send(SendBody{key, Value(msg)}, origin, msg_id);
}

Value commit(KeyOffsets offsets, const std::string& origin, int64_t msg_id) {
  return encode_commit(CommitOffsetsBody{std::move(offsets)}, origin, msg_id);
}

// --- the state machine ----------------------------------------------------------

TEST(KafkaMachine, SendsTakeTheNextOffsetOfTheirKeyWhenApplied) {
  KafkaMachine machine;
  EXPECT_EQ(offset_of(machine.apply(send("a", 10, "c1", 1))), 0);
  EXPECT_EQ(offset_of(machine.apply(send("b", 20, "c1", 2))), 0);
  EXPECT_EQ(offset_of(machine.apply(send("a", 11, "c2", 1))), 1);
  const PollOkBody poll = machine.poll({{"a", 0}, {"b", 0}}, Limits{});
  ASSERT_EQ(poll.msgs.size(), 2u);
  EXPECT_EQ(poll.msgs[0].first, "a");
  ASSERT_EQ(poll.msgs[0].second.size(), 2u);
  EXPECT_EQ(poll.msgs[0].second[1].offset, 1);
  EXPECT_EQ(poll.msgs[0].second[1].msg, Value(11));
}

TEST(KafkaMachine, ARequestAppliedTwiceIsAppendedOnceAndAnsweredAlike) {
  KafkaMachine machine;
  EXPECT_EQ(offset_of(machine.apply(send("a", 10, "c1", 7))), 0);
  EXPECT_EQ(offset_of(machine.apply(send("a", 10, "c1", 7))), 0);  // a duplicated forward
  EXPECT_EQ(machine.log().record_count(), 1u);
  const std::optional<Body> remembered = machine.result_of("c1", 7);
  ASSERT_TRUE(remembered.has_value());
  EXPECT_EQ(offset_of(*remembered), 0);
  EXPECT_FALSE(machine.result_of("c1", 8).has_value());
}

TEST(KafkaMachine, CommittedOffsetsNeverGoBack) {
  KafkaMachine machine;
  EXPECT_TRUE(std::holds_alternative<CommitOffsetsOkBody>(
      machine.apply(commit({{"a", 5}, {"b", 1}}, "c1", 1))));
  // A later commit of a lower offset (a slower consumer's) is answered ok but
  // moves nothing back: commit_offsets is monotonic per key.
  EXPECT_TRUE(
      std::holds_alternative<CommitOffsetsOkBody>(machine.apply(commit({{"a", 3}}, "c2", 1))));
  const ListCommittedOffsetsOkBody list = machine.list_committed({"b", "a", "z"});
  EXPECT_EQ(list.offsets, (KeyOffsets{{"a", 5}, {"b", 1}})) << "sorted, z never committed";
}

TEST(KafkaMachine, APollReturnsAtMostTheLimitPerKey) {
  KafkaMachine machine;
  for (int64_t i = 0; i < 10; ++i) machine.apply(send("a", i, "c1", i));
  Limits limits;
  limits.poll_msgs_per_key_max = 3;
  const PollOkBody poll = machine.poll({{"a", 4}}, limits);
  ASSERT_EQ(poll.msgs.size(), 1u);
  ASSERT_EQ(poll.msgs[0].second.size(), 3u);
  EXPECT_EQ(poll.msgs[0].second[0].offset, 4);
  EXPECT_EQ(poll.msgs[0].second[2].offset, 6);
}

TEST(KafkaMachine, ASnapshotRestoresAnEqualMachine) {
  KafkaMachine machine;
  machine.apply(send("a", 1, "c1", 1));
  machine.apply(encode_send(SendBody{"b", Value::from_json_text(R"({"x":[1,"y"]})")}, "c1", 2));
  machine.apply(commit({{"a", 0}}, "c2", 1));
  KafkaMachine restored;
  restored.apply(send("junk", 1, "c9", 1));  // replaced by the restore
  ASSERT_TRUE(restored.restore(machine.snapshot()).ok());
  EXPECT_EQ(restored.snapshot(), machine.snapshot());
  EXPECT_EQ(restored.list_committed({"a"}).offsets, (KeyOffsets{{"a", 0}}));
  EXPECT_EQ(offset_of(*restored.result_of("c1", 1)), 0) << "remembered results survive";
  EXPECT_EQ(offset_of(restored.apply(send("a", 2, "c3", 1))), 1) << "and offsets go on";
  ASSERT_TRUE(restored.restore(Value::from_json_text("null")).ok());
  EXPECT_EQ(restored.log().key_count(), 0u);
}

TEST(KafkaMachine, RefusesMalformedCommandsAndSnapshots) {
  KafkaMachine machine;
  const Body reply = machine.apply(Value::from_json_text(R"(["s","a",1])"));
  ASSERT_TRUE(std::holds_alternative<ErrorBody>(reply));
  EXPECT_EQ(std::get<ErrorBody>(reply).code, static_cast<int32_t>(ErrorCode::kCrash));
  EXPECT_EQ(machine.log().record_count(), 0u);
  EXPECT_FALSE(machine.restore(Value::from_json_text(R"({"logs":1})")).ok());
  EXPECT_FALSE(
      machine.restore(Value::from_json_text(R"({"logs":[["a",[[1,0],[0,0]],null]],"results":[]})"))
          .ok())
      << "offsets out of order";
}

TEST(KafkaMachine, RemembersABoundedNumberOfResults) {
  KafkaMachine machine;
  const auto count = static_cast<int64_t>(KafkaMachine::kResultsMax);
  for (int64_t i = 0; i <= count; ++i) machine.apply(send("a", i, "c1", i));
  EXPECT_FALSE(machine.result_of("c1", 0).has_value()) << "the oldest is forgotten";
  EXPECT_TRUE(machine.result_of("c1", count).has_value());
  machine.check_invariants();
}

TEST(KafkaMachine, CommandsAreToldFromKvOnesByTheirTag) {
  EXPECT_TRUE(kafka::is_kafka_command(send("a", 1, "c1", 1)));
  EXPECT_TRUE(kafka::is_kafka_command(commit({{"a", 1}}, "c1", 1)));
  EXPECT_FALSE(kafka::is_kafka_command(kv::encode_write(KvWriteBody{Value(1), Value(2)}, "c1", 1)));
  EXPECT_FALSE(kafka::is_kafka_command(Value::from_json_text("null")));  // a leader's no-op
}

TEST(KafkaForward, ASendAndACommitCarryTheirOriginOnTheWire) {
  // A follower's forward names the client's request, so that the leader
  // applies it once whichever node forwarded it (core/message.h).
  SendBody send{"k", Value(5)};
  send.origin = "c7";
  send.origin_msg_id = 42;
  CommitOffsetsBody commit{{{"k", 3}}};
  commit.origin = "c8";
  commit.origin_msg_id = 43;
  for (Body body : {Body{send}, Body{commit}}) {
    const std::string line = encode_line(Message{"n1", "n2", 9, std::nullopt, std::move(body)});
    EXPECT_NE(line.find(R"("origin":"c)"), std::string::npos) << line;
    auto decoded = decode_line(std::string_view(line).substr(0, line.size() - 1), Limits{});
    ASSERT_TRUE(decoded.ok()) << line;
    EXPECT_EQ(encode_line(decoded.value()), line);
  }
  // A client's own send has no origin, and none is written.
  EXPECT_EQ(
      encode_line(Message{"c1", "n1", 1, std::nullopt, SendBody{"k", Value(1)}}).find("origin"),
      std::string::npos);
}

// --- serving, on a cluster of three ------------------------------------------------

class RaftKafkaCluster : public ::testing::Test {
 protected:
  RaftKafkaCluster()
      : cluster_(3, Rng(5), [this](Message message) { inbox_.push_back(std::move(message)); }) {
    run_for(2'000);
  }

  void run_for(int64_t ms) {
    const int64_t until = cluster_.now_ms() + ms;
    while (cluster_.now_ms() < until && cluster_.step()) {
    }
  }

  // Sends `body` from `client` to `node` and returns the reply, within 2 s.
  Message ask(const std::string& node, Body body, const std::string& client = "c1") {
    const int64_t msg_id = next_msg_id_++;
    cluster_.send_from_client(Message{client, node, msg_id, std::nullopt, std::move(body)});
    return await(client, msg_id);
  }

  Message await(const std::string& client, int64_t msg_id) {
    for (int i = 0; i < 200; ++i) {
      const auto it = std::find_if(inbox_.begin(), inbox_.end(), [&](const Message& m) {
        return m.dest == client && m.in_reply_to == msg_id;
      });
      if (it != inbox_.end()) {
        Message reply = *it;
        inbox_.erase(it);
        return reply;
      }
      run_for(10);
    }
    ADD_FAILURE() << "no reply to " << client << "'s " << msg_id;
    return Message{};
  }

  std::string follower() const {
    for (const std::string& name : cluster_.names()) {
      if (name != cluster_.leader()) return name;
    }
    return "";
  }

  SimCluster cluster_;
  std::vector<Message> inbox_;
  int64_t next_msg_id_ = 1;
};

TEST_F(RaftKafkaCluster, ServesAllFourRequestsThroughAnyNode) {
  ASSERT_FALSE(cluster_.leader().empty());
  const std::vector<std::string>& nodes = cluster_.names();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Message reply = ask(nodes[i], SendBody{"k", Value(static_cast<int64_t>(100 + i))});
    EXPECT_EQ(body_of<SendOkBody>(reply).offset, static_cast<int64_t>(i)) << encode_line(reply);
  }
  EXPECT_TRUE(std::holds_alternative<CommitOffsetsOkBody>(
      ask(follower(), CommitOffsetsBody{{{"k", 1}}}).body));
  for (const std::string& node : nodes) {
    const PollOkBody poll = body_of<PollOkBody>(ask(node, PollBody{{{"k", 1}}}));
    ASSERT_EQ(poll.msgs.size(), 1u) << node;
    ASSERT_EQ(poll.msgs[0].second.size(), 2u) << node;
    EXPECT_EQ(poll.msgs[0].second[0].msg, Value(101)) << node;
    EXPECT_EQ(
        body_of<ListCommittedOffsetsOkBody>(ask(node, ListCommittedOffsetsBody{{"k"}})).offsets,
        (KeyOffsets{{"k", 1}}))
        << node;
  }
}

TEST_F(RaftKafkaCluster, ASendReachingTwoNodesIsAppendedOnce) {
  // The same client request (c1's msg_id 42) arrives at both followers, as a
  // retried or duplicated request would: each forwards it naming its origin,
  // and the leader applies it once; both copies get the same offset.
  std::vector<std::string> followers;
  for (const std::string& name : cluster_.names()) {
    if (name != cluster_.leader()) followers.push_back(name);
  }
  ASSERT_EQ(followers.size(), 2u);
  for (const std::string& node : followers) {
    cluster_.send_from_client(Message{"c1", node, 42, std::nullopt, SendBody{"k", Value(7)}});
  }
  // One copy is answered with the offset; the other with the same offset, or,
  // when the leader drops it as already in the log, an indefinite timeout
  // from its forwarder: never a second offset, never a definite error.
  int oks = 0;
  for (int copy = 0; copy < 2; ++copy) {
    const Message reply = await("c1", 42);
    if (const auto* ok = std::get_if<SendOkBody>(&reply.body)) {
      EXPECT_EQ(ok->offset, 0);
      ++oks;
    } else {
      EXPECT_EQ(body_of<ErrorBody>(reply).code, static_cast<int32_t>(ErrorCode::kTimeout));
    }
  }
  EXPECT_GE(oks, 1);
  const PollOkBody poll = body_of<PollOkBody>(ask(cluster_.leader(), PollBody{{{"k", 0}}}, "c2"));
  ASSERT_EQ(poll.msgs.size(), 1u);
  EXPECT_EQ(poll.msgs[0].second.size(), 1u) << "appended once";
}

TEST_F(RaftKafkaCluster, CommittedOffsetsSurviveALeaderChangeAndNeverGoBack) {
  const std::string first = cluster_.leader();
  ASSERT_FALSE(first.empty());
  ASSERT_TRUE(
      std::holds_alternative<CommitOffsetsOkBody>(ask(first, CommitOffsetsBody{{{"k", 9}}}).body));
  cluster_.partition({first});
  run_for(3'000);
  const std::string second = cluster_.leader();
  ASSERT_FALSE(second.empty());
  ASSERT_NE(second, first);
  EXPECT_EQ(
      body_of<ListCommittedOffsetsOkBody>(ask(second, ListCommittedOffsetsBody{{"k"}})).offsets,
      (KeyOffsets{{"k", 9}}));
  EXPECT_TRUE(
      std::holds_alternative<CommitOffsetsOkBody>(ask(second, CommitOffsetsBody{{{"k", 4}}}).body));
  cluster_.heal();
  run_for(1'000);
  for (const std::string& node : cluster_.names()) {
    EXPECT_EQ(
        body_of<ListCommittedOffsetsOkBody>(ask(node, ListCommittedOffsetsBody{{"k"}})).offsets,
        (KeyOffsets{{"k", 9}}))
        << node;
  }
}

TEST_F(RaftKafkaCluster, ACutOffNodeRefusesPollsDefinitelyOrNotAtAll) {
  // A node cut off from everyone cannot confirm a read; whatever it answers
  // is a refusal that changes nothing (error 11), never stale data.
  const std::string leader = cluster_.leader();
  ASSERT_EQ(body_of<SendOkBody>(ask(leader, SendBody{"k", Value(1)})).offset, 0);
  cluster_.partition({leader});
  const Message reply = ask(leader, PollBody{{{"k", 0}}});
  if (const auto* error = std::get_if<ErrorBody>(&reply.body)) {
    EXPECT_EQ(error->code, static_cast<int32_t>(ErrorCode::kTemporarilyUnavailable));
  } else {
    ADD_FAILURE() << "served a poll it could not confirm: " << encode_line(reply);
  }
}

// --- restarting from a snapshot ------------------------------------------------------

TEST(RaftKafka, ANodeRestartedFromASnapshotServesItsLogs) {
  KafkaMachine kafka;
  kafka.apply(send("k", 5, "c1", 1));
  kafka.apply(send("k", 6, "c1", 2));
  kafka.apply(commit({{"k", 1}}, "c1", 3));
  Persisted persisted;
  persisted.hard_state.term = 1;
  const nlohmann::json data{{"kv", kv::KvMachine{}.snapshot().to_json()},
                            {"kafka", kafka.snapshot().to_json()}};
  persisted.snapshot = PersistedSnapshot{3, 1, Value::from_json(data)};

  const TimerId kTick{TimerKind::kApplication, 1};  // RaftKv's tick timer
  Node node(NodeConfig{Limits{}, 1}, std::make_unique<kv::RaftKv>());
  node.restore(persisted);
  node.step(0, Received{Message{"c0", "n1", 1, std::nullopt, InitBody{"n1", {"n1"}}}});
  std::vector<Effect> effects;
  // Alone, it elects itself within an election timeout or two.
  for (int64_t now = 0; now <= 2'000; now += 50) node.step(now, TimerFired{kTick}, effects);
  effects.clear();
  node.step(2'001, Received{Message{"c1", "n1", 2, std::nullopt, PollBody{{{"k", 0}}}}}, effects);
  for (int64_t now = 2'001; now <= 2'200; now += 10) node.step(now, TimerFired{kTick}, effects);
  bool polled = false;
  for (const Effect& effect : effects) {
    const auto* out = std::get_if<SendEffect>(&effect);
    if (out == nullptr || out->message.dest != "c1") continue;
    const PollOkBody poll = body_of<PollOkBody>(out->message);
    ASSERT_EQ(poll.msgs.size(), 1u);
    EXPECT_EQ(poll.msgs[0].second.size(), 2u);
    polled = true;
  }
  EXPECT_TRUE(polled);
}

}  // namespace
}  // namespace eddy::core
