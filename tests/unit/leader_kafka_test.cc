// kafka::LeaderKafka driven through core::Node, with lin-kv's and the peers'
// replies played by hand: the election's paths (win, loss, timeouts, odd
// replies), forwarding and relaying at a follower, the error codes a client
// may get (indefinite after a lost forward, definite 11 only when nothing
// happened), the bounded wait before a leader is known, and the leader's
// duplicate filter.
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error_code.h"
#include "core/kafka/leader.h"
#include "core/node.h"

namespace eddy::core::kafka {
namespace {

using Role = LeaderKafka::Role;

using test_support::body_of;

std::vector<Message> sends_to(const std::vector<Effect>& effects, const std::string& dest) {
  std::vector<Message> out;
  for (const Effect& effect : effects) {
    const auto* send = std::get_if<SendEffect>(&effect);
    if (send != nullptr && send->message.dest == dest) out.push_back(send->message);
  }
  return out;
}

size_t send_count(const std::vector<Effect>& effects) {
  size_t count = 0;
  for (const Effect& effect : effects) count += std::holds_alternative<SendEffect>(effect);
  return count;
}

// The one message sent to `dest`; fails the test if there is not exactly one.
Message only_to(const std::vector<Effect>& effects, const std::string& dest) {
  const auto sent = sends_to(effects, dest);
  if (sent.size() != 1) {
    ADD_FAILURE() << "expected one message to " << dest << ", got " << sent.size();
    return Message{};
  }
  return sent.front();
}

std::vector<SetTimerEffect> app_timers(const std::vector<Effect>& effects) {
  std::vector<SetTimerEffect> out;
  for (const Effect& effect : effects) {
    const auto* timer = std::get_if<SetTimerEffect>(&effect);
    if (timer != nullptr && timer->timer.kind == TimerKind::kApplication) out.push_back(*timer);
  }
  return out;
}

Value str(const std::string& text) { return Value::from_json_text("\"" + text + "\""); }

class LeaderKafkaTest : public testing::Test {
 protected:
  // Builds node `self` of `nodes`, with `options`; nothing is sent yet.
  void make(std::string self = "n1", std::vector<std::string> nodes = {"n0", "n1", "n2"},
            LeaderKafka::Options options = {}, Limits limits = {}) {
    auto app = std::make_unique<LeaderKafka>(std::move(options));
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{limits, 7}, std::move(app));
    self_ = std::move(self);
    nodes_ = std::move(nodes);
  }

  // Every event goes through here; invariants are checked after each step.
  std::vector<Effect> step(Event event) {
    auto effects = node_->step(now_ms_, std::move(event));
    node_->check_invariants();
    return effects;
  }

  // Inits the node and returns its election cas.
  Message init() {
    const auto effects =
        step(Received{Message{"c0", self_, 1, std::nullopt, InitBody{self_, nodes_}}});
    body_of<InitOkBody>(only_to(effects, "c0"));
    return only_to(effects, "lin-kv");
  }

  std::vector<Effect> from(const std::string& src, int64_t msg_id, Body body) {
    return step(Received{Message{src, self_, msg_id, std::nullopt, std::move(body)}});
  }
  std::vector<Effect> reply(const std::string& src, const Message& to, Body body) {
    return step(Received{Message{src, self_, next_peer_msg_id_++, to.msg_id, std::move(body)}});
  }
  std::vector<Effect> time_out(const Message& call) {
    return step(TimerFired{TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(*call.msg_id)}});
  }
  std::vector<Effect> fire(uint64_t arg) {
    return step(TimerFired{TimerId{TimerKind::kApplication, arg}});
  }

  // Init, then lose the election to `leader`: cas -> 22 -> read -> leader.
  void follow(const std::string& leader) {
    const Message cas = init();
    const Message read = only_to(
        reply("lin-kv", cas, ErrorBody{22, "current value \"" + leader + "\" is not \"n1\""}),
        "lin-kv");
    body_of<KvReadBody>(read);
    EXPECT_TRUE(send_count(reply("lin-kv", read, KvReadOkBody{str(leader)})) == 0);
    ASSERT_EQ(app_->role(), Role::kFollower);
  }
  void lead() {
    reply("lin-kv", init(), KvCasOkBody{});
    ASSERT_EQ(app_->role(), Role::kLeader);
  }

  LeaderKafka* app_ = nullptr;
  std::unique_ptr<Node> node_;
  std::string self_;
  std::vector<std::string> nodes_;
  int64_t now_ms_ = 1000;
  int64_t next_peer_msg_id_ = 900;
};

// --- election --------------------------------------------------------------------------

TEST_F(LeaderKafkaTest, InitSendsAnIdempotentCasOnClusterLeader) {
  make();
  const Message cas = init();
  const auto body = body_of<KvCasBody>(cas);
  EXPECT_EQ(body.key, str("cluster_leader"));
  // from == to == own id: a retry after a lost cas_ok succeeds again.
  EXPECT_EQ(body.from, str("n1"));
  EXPECT_EQ(body.to, str("n1"));
  EXPECT_TRUE(body.create_if_not_exists);
  EXPECT_EQ(app_->role(), Role::kElecting);
  EXPECT_EQ(app_->leader(), "");
}

TEST_F(LeaderKafkaTest, CasOkWinsTheElection) {
  make();
  const auto effects = reply("lin-kv", init(), KvCasOkBody{});
  EXPECT_EQ(send_count(effects), 0u);
  EXPECT_EQ(app_->role(), Role::kLeader);
  EXPECT_EQ(app_->leader(), "n1");
}

TEST_F(LeaderKafkaTest, PreconditionFailedReadsTheKeyAndFollows) {
  make();
  const Message cas = init();
  const Message read =
      only_to(reply("lin-kv", cas, ErrorBody{22, "current value \"n2\" is not \"n1\""}), "lin-kv");
  EXPECT_EQ(body_of<KvReadBody>(read).key, str("cluster_leader"));
  EXPECT_EQ(app_->role(), Role::kElecting);
  reply("lin-kv", read, KvReadOkBody{str("n2")});
  EXPECT_EQ(app_->role(), Role::kFollower);
  EXPECT_EQ(app_->leader(), "n2");
}

TEST_F(LeaderKafkaTest, CasTimeoutRetriesAfterBackoffAndMayHaveWon) {
  make();
  const Message first = init();
  const auto after_timeout = time_out(first);
  EXPECT_EQ(send_count(after_timeout), 0u) << "no guess: wait, then ask again";
  const auto timers = app_timers(after_timeout);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].timer.arg, LeaderKafka::kElectionRetryTimer);
  EXPECT_GE(timers[0].due_ms, now_ms_ + 25);  // half of the first 50 ms backoff
  EXPECT_LE(timers[0].due_ms, now_ms_ + 50);
  EXPECT_EQ(app_->role(), Role::kElecting);

  now_ms_ = timers[0].due_ms;
  const Message second = only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv");
  EXPECT_EQ(body_of<KvCasBody>(second).to, str("n1"));
  // The lost first cas had created the key: the same cas now succeeds.
  reply("lin-kv", second, KvCasOkBody{});
  EXPECT_EQ(app_->role(), Role::kLeader);
  // The first cas's late reply changes nothing.
  EXPECT_EQ(send_count(reply("lin-kv", first, KvCasOkBody{})), 0u);
  EXPECT_EQ(app_->role(), Role::kLeader);
}

TEST_F(LeaderKafkaTest, CasTimeoutThenPreconditionFailedFollows) {
  make();
  time_out(init());
  const Message cas = only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv");
  const Message read = only_to(reply("lin-kv", cas, ErrorBody{22, "not n1"}), "lin-kv");
  reply("lin-kv", read, KvReadOkBody{str("n0")});
  EXPECT_EQ(app_->role(), Role::kFollower);
  EXPECT_EQ(app_->leader(), "n0");
}

TEST_F(LeaderKafkaTest, BackoffDoublesUpToItsCap) {
  LeaderKafka::Options options;
  options.election_backoff_ms_min = 100;
  options.election_backoff_ms_max = 400;
  make("n1", {"n0", "n1", "n2"}, options);
  Message cas = init();
  for (const int64_t span_ms : {100, 200, 400, 400}) {
    const auto timers = app_timers(time_out(cas));
    ASSERT_EQ(timers.size(), 1u);
    EXPECT_GE(timers[0].due_ms - now_ms_, span_ms / 2);
    EXPECT_LE(timers[0].due_ms - now_ms_, span_ms);
    cas = only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv");
  }
}

TEST_F(LeaderKafkaTest, ReadTimeoutRetriesTheCas) {
  make();
  const Message read = only_to(reply("lin-kv", init(), ErrorBody{22, "not n1"}), "lin-kv");
  EXPECT_EQ(app_timers(time_out(read)).size(), 1u);
  body_of<KvCasBody>(only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv"));
}

TEST_F(LeaderKafkaTest, ReadNamingThisNodeMeansAnEarlierCasWon) {
  make();
  const Message read = only_to(reply("lin-kv", init(), ErrorBody{22, "not n1"}), "lin-kv");
  reply("lin-kv", read, KvReadOkBody{str("n1")});
  EXPECT_EQ(app_->role(), Role::kLeader);
}

TEST_F(LeaderKafkaTest, KeyNamingAStrangerIsNotFollowed) {
  make();
  const Message read = only_to(reply("lin-kv", init(), ErrorBody{22, "not n1"}), "lin-kv");
  EXPECT_EQ(app_timers(reply("lin-kv", read, KvReadOkBody{str("n9")})).size(), 1u);
  EXPECT_EQ(app_->role(), Role::kElecting);
  const Message cas = only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv");
  const Message again = only_to(reply("lin-kv", cas, ErrorBody{22, "not n1"}), "lin-kv");
  EXPECT_EQ(app_timers(reply("lin-kv", again, KvReadOkBody{Value(3)})).size(), 1u);
  EXPECT_EQ(app_->role(), Role::kElecting);
}

TEST_F(LeaderKafkaTest, OtherCasErrorsAreRetried) {
  make();
  EXPECT_EQ(app_timers(reply("lin-kv", init(), ErrorBody{11, "busy"})).size(), 1u);
  EXPECT_EQ(app_->role(), Role::kElecting);
}

TEST_F(LeaderKafkaTest, RetryTimerAfterTheElectionIsANoOp) {
  make();
  lead();
  EXPECT_TRUE(fire(LeaderKafka::kElectionRetryTimer).empty());
}

TEST_F(LeaderKafkaTest, NonCandidateOnlyReadsUntilTheKeyExists) {
  LeaderKafka::Options options;
  options.candidate = false;
  make("n1", {"n0", "n1", "n2"}, options);
  const Message read = init();
  EXPECT_EQ(body_of<KvReadBody>(read).key, str("cluster_leader"));
  // No candidate has written it yet: read again later, never cas.
  const auto timers = app_timers(reply("lin-kv", read, ErrorBody{20, "key does not exist"}));
  ASSERT_EQ(timers.size(), 1u);
  now_ms_ = timers[0].due_ms;
  const Message again = only_to(fire(LeaderKafka::kElectionRetryTimer), "lin-kv");
  body_of<KvReadBody>(again);
  reply("lin-kv", again, KvReadOkBody{str("n2")});
  EXPECT_EQ(app_->role(), Role::kFollower);
  EXPECT_EQ(app_->leader(), "n2");
}

TEST_F(LeaderKafkaTest, OneNodeClusterLeadsWithoutLinKv) {
  make("n0", {"n0"});
  const auto effects = step(Received{Message{"c0", "n0", 1, std::nullopt, InitBody{"n0", {"n0"}}}});
  EXPECT_TRUE(sends_to(effects, "lin-kv").empty());
  EXPECT_EQ(app_->role(), Role::kLeader);
}

// --- the leader ------------------------------------------------------------------------

TEST_F(LeaderKafkaTest, LeaderServesLocally) {
  make();
  lead();
  EXPECT_EQ(body_of<SendOkBody>(only_to(from("c1", 5, SendBody{"k", Value(1)}), "c1")).offset, 0);
  EXPECT_EQ(body_of<SendOkBody>(only_to(from("c1", 6, SendBody{"k", Value(2)}), "c1")).offset, 1);
  const auto poll = body_of<PollOkBody>(only_to(from("c1", 7, PollBody{{{"k", 1}}}), "c1"));
  ASSERT_EQ(poll.msgs.size(), 1u);
  ASSERT_EQ(poll.msgs[0].second.size(), 1u);
  EXPECT_EQ(poll.msgs[0].second[0].offset, 1);
  EXPECT_EQ(poll.msgs[0].second[0].msg, Value(2));
  body_of<CommitOffsetsOkBody>(only_to(from("c1", 8, CommitOffsetsBody{{{"k", 1}}}), "c1"));
  body_of<CommitOffsetsOkBody>(only_to(from("c1", 9, CommitOffsetsBody{{{"k", 0}}}), "c1"));
  const auto list = body_of<ListCommittedOffsetsOkBody>(
      only_to(from("c1", 10, ListCommittedOffsetsBody{{"k", "never"}}), "c1"));
  EXPECT_EQ(list.offsets, (KeyOffsets{{"k", 1}}));
  EXPECT_EQ(app_->log().record_count(), 2u);
}

TEST_F(LeaderKafkaTest, LeaderAnswersAForwardToTheFollower) {
  make();
  lead();
  const Message answer = only_to(from("n2", 40, SendBody{"k", Value(1)}), "n2");
  EXPECT_EQ(answer.in_reply_to, 40);
  EXPECT_EQ(body_of<SendOkBody>(answer).offset, 0);
}

TEST_F(LeaderKafkaTest, LeaderDropsARepeatedForward) {
  make();
  lead();
  EXPECT_EQ(sends_to(from("n2", 40, SendBody{"k", Value(1)}), "n2").size(), 1u);
  EXPECT_EQ(send_count(from("n2", 40, SendBody{"k", Value(1)})), 0u);
  EXPECT_EQ(app_->log().record_count(), 1u) << "a duplicated forward must not append twice";
  // The same msg_id from another peer is another request.
  EXPECT_EQ(sends_to(from("n0", 40, SendBody{"k", Value(2)}), "n0").size(), 1u);
  // Clients are never filtered: Maelstrom does not duplicate their messages.
  EXPECT_EQ(sends_to(from("c1", 40, PollBody{{{"k", 0}}}), "c1").size(), 1u);
  EXPECT_EQ(sends_to(from("c1", 40, PollBody{{{"k", 0}}}), "c1").size(), 1u);
}

TEST_F(LeaderKafkaTest, DuplicateWindowIsBoundedAndForgetsOldestAsSeen) {
  LeaderKafka::Options options;
  options.dedupe_window_per_peer = 2;
  make("n1", {"n0", "n1", "n2"}, options);
  lead();
  for (const int64_t id : {20, 30, 40}) {
    EXPECT_EQ(sends_to(from("n2", id, SendBody{"k", Value(id)}), "n2").size(), 1u);
  }
  // 20 was evicted: it and anything older now count as seen.
  EXPECT_EQ(send_count(from("n2", 20, SendBody{"k", Value(20)})), 0u);
  EXPECT_EQ(send_count(from("n2", 10, SendBody{"k", Value(10)})), 0u);
  EXPECT_EQ(send_count(from("n2", 40, SendBody{"k", Value(40)})), 0u);
  EXPECT_EQ(sends_to(from("n2", 35, SendBody{"k", Value(35)}), "n2").size(), 1u);
  EXPECT_EQ(app_->log().record_count(), 4u);
}

TEST_F(LeaderKafkaTest, ForwardArrivingBeforeTheLeaderKnowsWaitsAndIsServed) {
  make();
  const Message cas = init();
  // A follower read the key before our cas_ok came back.
  EXPECT_EQ(send_count(from("n2", 40, SendBody{"k", Value(1)})), 0u);
  EXPECT_EQ(app_->waiting_requests(), 1u);
  const Message answer = only_to(reply("lin-kv", cas, KvCasOkBody{}), "n2");
  EXPECT_EQ(body_of<SendOkBody>(answer).offset, 0);
  EXPECT_EQ(answer.in_reply_to, 40);
}

TEST_F(LeaderKafkaTest, CopyOfARefusedForwardIsNotAppliedLater) {
  make();
  const Message cas = init();
  from("n2", 40, SendBody{"k", Value(1)});
  now_ms_ += 2000;
  // Refused definitely (it waited too long, nothing was done) ...
  EXPECT_EQ(body_of<ErrorBody>(only_to(fire(LeaderKafka::kWaitingDeadlineTimer), "n2")).code, 11);
  reply("lin-kv", cas, KvCasOkBody{});
  // ... so its network twin must not be applied now.
  EXPECT_EQ(send_count(from("n2", 40, SendBody{"k", Value(1)})), 0u);
  EXPECT_EQ(app_->log().record_count(), 0u);
}

// --- a follower ------------------------------------------------------------------------

TEST_F(LeaderKafkaTest, FollowerForwardsTheSameBodyAndRelaysTheReply) {
  make();
  follow("n0");
  const Message forwarded = only_to(from("c4", 17, SendBody{"k", Value(9)}), "n0");
  const auto body = body_of<SendBody>(forwarded);
  EXPECT_EQ(body.key, "k");
  EXPECT_EQ(body.msg, Value(9));
  EXPECT_EQ(app_->forwards_in_flight(), 1u);
  const Message answer = only_to(reply("n0", forwarded, SendOkBody{12}), "c4");
  EXPECT_EQ(answer.in_reply_to, 17);
  EXPECT_EQ(answer.src, "n1");
  EXPECT_EQ(body_of<SendOkBody>(answer).offset, 12);
  EXPECT_EQ(app_->forwards_in_flight(), 0u);
  EXPECT_EQ(app_->log().key_count(), 0u) << "a follower stores nothing";
}

TEST_F(LeaderKafkaTest, FollowerRelaysEveryRequestType) {
  make();
  follow("n0");
  const std::vector<std::pair<Body, Body>> exchanges{
      {PollBody{{{"k", 3}}}, PollOkBody{{{"k", {Record{3, Value(7)}}}}}},
      {CommitOffsetsBody{{{"k", 3}}}, CommitOffsetsOkBody{}},
      {ListCommittedOffsetsBody{{"k"}}, ListCommittedOffsetsOkBody{{{"k", 3}}}},
  };
  int64_t client_msg_id = 30;
  for (const auto& [request, leader_reply] : exchanges) {
    const Message forwarded = only_to(from("c4", ++client_msg_id, request), "n0");
    EXPECT_EQ(body_type(forwarded.body), body_type(request));
    const Message answer = only_to(reply("n0", forwarded, leader_reply), "c4");
    EXPECT_EQ(answer.in_reply_to, client_msg_id);
    EXPECT_EQ(body_type(answer.body), body_type(leader_reply));
  }
  const Message poll = only_to(from("c4", 50, PollBody{{{"k", 3}}}), "n0");
  const auto relayed = body_of<PollOkBody>(
      only_to(reply("n0", poll, PollOkBody{{{"k", {Record{3, Value(7)}}}}}), "c4"));
  ASSERT_EQ(relayed.msgs.size(), 1u);
  EXPECT_EQ(relayed.msgs[0].second[0].msg, Value(7));
}

TEST_F(LeaderKafkaTest, LostForwardGivesAnIndefiniteError) {
  make();
  follow("n0");
  const Message forwarded = only_to(from("c4", 17, SendBody{"k", Value(9)}), "n0");
  now_ms_ += 1000;
  const Message answer = only_to(time_out(forwarded), "c4");
  const auto error = body_of<ErrorBody>(answer);
  EXPECT_EQ(error.code, 0);
  EXPECT_FALSE(is_definite(error.code)) << "the leader may have appended it";
  EXPECT_EQ(answer.in_reply_to, 17);
  // The leader's reply, late, reaches nobody.
  EXPECT_EQ(send_count(reply("n0", forwarded, SendOkBody{12})), 0u);
}

TEST_F(LeaderKafkaTest, ForwardTimeoutIsTheRpcTimeoutLimit) {
  Limits limits;
  limits.rpc_timeout_ms = 700;
  make("n1", {"n0", "n1", "n2"}, {}, limits);
  follow("n0");
  const auto effects = from("c4", 17, SendBody{"k", Value(9)});
  const Message forwarded = only_to(effects, "n0");
  bool armed = false;
  for (const Effect& effect : effects) {
    const auto* timer = std::get_if<SetTimerEffect>(&effect);
    if (timer == nullptr || timer->timer.kind != TimerKind::kRpcTimeout) continue;
    EXPECT_EQ(timer->timer.arg, static_cast<uint64_t>(*forwarded.msg_id));
    EXPECT_EQ(timer->due_ms, now_ms_ + 700);
    armed = true;
  }
  EXPECT_TRUE(armed);
}

TEST_F(LeaderKafkaTest, LeaderErrorsPassOnWithTheirCode) {
  make();
  follow("n0");
  const Message first = only_to(from("c4", 17, SendBody{"k", Value(9)}), "n0");
  EXPECT_EQ(body_of<ErrorBody>(only_to(reply("n0", first, ErrorBody{11, "x"}), "c4")).code, 11);
  const Message second = only_to(from("c4", 18, SendBody{"k", Value(9)}), "n0");
  EXPECT_EQ(body_of<ErrorBody>(only_to(reply("n0", second, ErrorBody{1003, "y"}), "c4")).code,
            1003);
}

TEST_F(LeaderKafkaTest, MismatchedReplyIsAnIndefiniteError) {
  make();
  follow("n0");
  const Message forwarded = only_to(from("c4", 17, SendBody{"k", Value(9)}), "n0");
  const auto error =
      body_of<ErrorBody>(only_to(reply("n0", forwarded, CommitOffsetsOkBody{}), "c4"));
  EXPECT_GE(error.code, 1000);
  EXPECT_FALSE(is_definite(error.code));
}

TEST_F(LeaderKafkaTest, FollowerRefusesRequestsFromPeers) {
  make();
  follow("n0");
  const auto effects = from("n2", 40, SendBody{"k", Value(1)});
  EXPECT_TRUE(sends_to(effects, "n0").empty()) << "no relay chains";
  EXPECT_EQ(body_of<ErrorBody>(only_to(effects, "n2")).code, 11);
}

TEST_F(LeaderKafkaTest, ForwardsInFlightAreBounded) {
  LeaderKafka::Options options;
  options.forwards_in_flight_max = 1;
  make("n1", {"n0", "n1", "n2"}, options);
  follow("n0");
  only_to(from("c4", 17, SendBody{"k", Value(1)}), "n0");
  const auto effects = from("c5", 3, SendBody{"k", Value(2)});
  EXPECT_TRUE(sends_to(effects, "n0").empty());
  EXPECT_EQ(body_of<ErrorBody>(only_to(effects, "c5")).code, 11);
}

TEST_F(LeaderKafkaTest, NonKafkaRequestsAreNotServed) {
  make();
  follow("n0");
  const auto effects = from("c4", 17, KvReadBody{Value(1)});
  EXPECT_TRUE(sends_to(effects, "n0").empty());
  EXPECT_EQ(body_of<ErrorBody>(only_to(effects, "c4")).code, 10);
}

// --- before the leader is known --------------------------------------------------------

TEST_F(LeaderKafkaTest, RequestBeforeTheLeaderIsKnownGets11AfterItsWait) {
  make();
  init();
  const auto held = from("c4", 17, SendBody{"k", Value(9)});
  EXPECT_EQ(send_count(held), 0u);
  const auto timers = app_timers(held);
  ASSERT_EQ(timers.size(), 1u);
  EXPECT_EQ(timers[0].timer.arg, LeaderKafka::kWaitingDeadlineTimer);
  EXPECT_EQ(timers[0].due_ms, now_ms_ + 2000);
  now_ms_ += 500;
  EXPECT_TRUE(app_timers(from("c5", 3, PollBody{})).empty()) << "armed for the oldest only";
  now_ms_ += 1500;
  const auto expired = fire(LeaderKafka::kWaitingDeadlineTimer);
  const auto error = body_of<ErrorBody>(only_to(expired, "c4"));
  EXPECT_EQ(error.code, 11);
  EXPECT_TRUE(is_definite(error.code));
  // The younger one waits on, with the timer moved to its deadline.
  EXPECT_TRUE(sends_to(expired, "c5").empty());
  const auto rearmed = app_timers(expired);
  ASSERT_EQ(rearmed.size(), 1u);
  EXPECT_EQ(rearmed[0].due_ms, now_ms_ + 500);
  EXPECT_EQ(app_->waiting_requests(), 1u);
}

TEST_F(LeaderKafkaTest, WaitingRequestsAreForwardedOnceTheLeaderIsKnown) {
  make();
  const Message cas = init();
  from("c4", 17, SendBody{"k", Value(9)});
  from("c5", 3, PollBody{{{"k", 0}}});
  const Message read = only_to(reply("lin-kv", cas, ErrorBody{22, "not n1"}), "lin-kv");
  const auto effects = reply("lin-kv", read, KvReadOkBody{str("n2")});
  const auto forwarded = sends_to(effects, "n2");
  ASSERT_EQ(forwarded.size(), 2u);
  EXPECT_EQ(body_type(forwarded[0].body), "send");
  EXPECT_EQ(body_type(forwarded[1].body), "poll");
  EXPECT_EQ(app_->waiting_requests(), 0u);
  // The stale deadline timer finds nothing to expire.
  now_ms_ += 2000;
  EXPECT_TRUE(fire(LeaderKafka::kWaitingDeadlineTimer).empty());
}

TEST_F(LeaderKafkaTest, WaitingRequestsAreServedByANewLeader) {
  make();
  const Message cas = init();
  from("c4", 17, SendBody{"k", Value(9)});
  const Message answer = only_to(reply("lin-kv", cas, KvCasOkBody{}), "c4");
  EXPECT_EQ(body_of<SendOkBody>(answer).offset, 0);
  EXPECT_EQ(answer.in_reply_to, 17);
}

TEST_F(LeaderKafkaTest, FullWaitingRoomAnswers11AtOnce) {
  LeaderKafka::Options options;
  options.waiting_requests_max = 2;
  make("n1", {"n0", "n1", "n2"}, options);
  init();
  EXPECT_EQ(send_count(from("c4", 1, SendBody{"k", Value(1)})), 0u);
  EXPECT_EQ(send_count(from("c4", 2, SendBody{"k", Value(2)})), 0u);
  EXPECT_EQ(body_of<ErrorBody>(only_to(from("c4", 3, SendBody{"k", Value(3)}), "c4")).code, 11);
}

}  // namespace
}  // namespace eddy::core::kafka
