// kafka::LinKvKafka (the `linkv` strategy) driven through core::Node, with the
// test playing lin-kv by hand: each request the node sends is answered from a
// simulated lin-kv (sim/services/lin_kv.h), refused, lost, or delayed, as the
// case needs.
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/linkv.h"
#include "core/kafka/linkv_cache.h"
#include "core/kafka/linkv_codec.h"
#include "core/node.h"
#include "sim/services/lin_kv.h"

namespace eddy::core::kafka {
namespace {

using linkv::ChunkEntry;

using test_support::body_of;

Value chunk_of(std::vector<ChunkEntry> entries) { return linkv::encode_chunk(entries); }

// --- codec and cache --------------------------------------------------------

TEST(LinKvCodec, ChunkRoundTripsByteForByte) {
  const std::vector<ChunkEntry> entries{
      {"n1:0", Value(5)}, {"n2:7", Value::from_json_text(R"({"a":[1,2.5,null],"b":"x\"y"})")}};
  const Value encoded = linkv::encode_chunk(entries);
  EXPECT_EQ(encoded.json_text(), R"([["n1:0",5],["n2:7",{"a":[1,2.5,null],"b":"x\"y"}]])");
  // What nlohmann writes for the same array, which is what Maelstrom's
  // lin-kv hands back through the codec.
  EXPECT_EQ(Value::from_json(encoded.to_json()), encoded);
  const auto decoded = linkv::decode_chunk(encoded, 64);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), entries);
  EXPECT_EQ(linkv::encode_chunk({}).json_text(), "[]");
}

TEST(LinKvCodec, RejectsWhatIsNotAChunk) {
  EXPECT_FALSE(linkv::decode_chunk(Value(3), 64).ok());
  EXPECT_FALSE(linkv::decode_chunk(Value::from_json_text(R"({"a":1})"), 64).ok());
  EXPECT_FALSE(linkv::decode_chunk(Value::from_json_text(R"([[1,2]])"), 64).ok());
  EXPECT_FALSE(linkv::decode_chunk(Value::from_json_text(R"([["t",1,2]])"), 64).ok());
  EXPECT_FALSE(linkv::decode_chunk(Value::from_json_text(R"([["a",1],["b",2]])"), 1).ok());
}

TEST(LinKvCodec, KeysNameTheLogAndTheChunk) {
  EXPECT_EQ(linkv::chunk_kv_key("a/b", 3).json_text(), R"("log/a/b/3")");
  EXPECT_EQ(linkv::commit_kv_key("7").json_text(), R"("commit/7")");
}

TEST(LinKvCodec, ReadsTheCurrentValueOutOfARefusal) {
  // maelstrom service.clj: (str "current value " (pr-str cur) " is not " (pr-str from))
  const auto chunk = linkv::current_value_of_refusal(
      R"(current value [["n2:0" 9] ["n1:3" -4] ["a\"b\\c\nd" [nil true false "x y"]]] is not [])");
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(chunk->json_text(),
            R"([["n2:0",9],["n1:3",-4],["a\"b\\c\nd",[null,true,false,"x y"]]])");
  const auto offset = linkv::current_value_of_refusal("current value 12 is not 9");
  ASSERT_TRUE(offset.has_value());
  EXPECT_EQ(*offset, Value(12));
  // A key's value the text names exactly, even when it holds " is not ".
  EXPECT_EQ(
      linkv::current_value_of_refusal(R"(current value ["x is not y"] is not [])")->json_text(),
      R"(["x is not y"])");
}

TEST(LinKvCodec, RefusalsItCannotReadExactlyGiveNothing) {
  for (const char* text :
       {"precondition failed", "current value 1.5 is not 1", "current value 12N is not 1",
        R"(current value {"a" 1} is not 1)", "current value [1 2 is not 1",
        "current value [1  2] is not 1", "current value 99999999999999999999 is not 1",
        R"(current value "\q" is not 1)", "current value 1 is"}) {
    EXPECT_FALSE(linkv::current_value_of_refusal(text).has_value()) << text;
  }
}

TEST(LinKvCache, MergesPrefixesOfGrowingChunks) {
  linkv::CachedLog log(2);
  const std::vector<ChunkEntry> a{{"a", Value(1)}}, ab{{"a", Value(1)}, {"b", Value(2)}},
      c{{"c", Value(3)}}, x{{"x", Value(9)}};
  EXPECT_EQ(log.merge(1, c), linkv::MergeOutcome::kNotContiguous);
  EXPECT_EQ(log.merge(0, a), linkv::MergeOutcome::kExtended);
  EXPECT_EQ(log.merge(0, a), linkv::MergeOutcome::kUnchanged);
  EXPECT_EQ(log.merge(0, x), linkv::MergeOutcome::kConflict);
  EXPECT_EQ(log.merge(0, ab), linkv::MergeOutcome::kExtended);
  EXPECT_EQ(log.merge(0, a), linkv::MergeOutcome::kUnchanged) << "an older value";
  EXPECT_EQ(log.merge(1, c), linkv::MergeOutcome::kExtended);
  EXPECT_EQ(log.size(), 3);
  EXPECT_EQ(log.tail_chunk(), 1);
  EXPECT_EQ(log.tail_length(), 1);
  std::vector<Record> records;
  EXPECT_EQ(log.read(1, 10, records), 2u);
  EXPECT_EQ(records[0].offset, 1);
  EXPECT_EQ(records[1].msg, Value(3));
  EXPECT_EQ(log.find_tag("c", 0, 3), 2);
  EXPECT_EQ(log.find_tag("c", 0, 2), -1);
  log.check_invariants();
}

// --- the node -----------------------------------------------------------------

class LinKvKafkaTest : public testing::Test {
 protected:
  explicit LinKvKafkaTest(LinKvConfig config = {}) {
    auto app = std::make_unique<LinKvKafka>(config);
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{Limits{}, 1}, std::move(app));
    step(Received{Message{"c0", "n1", 1, std::nullopt, InitBody{"n1", {"n1", "n2"}}}});
    replies_.clear();  // init_ok
  }

  // Runs one event at now_ms_; sorts what the node sent into kv_ (requests to
  // lin-kv, oldest first) and replies_ (to clients).
  void step(Event event) {
    for (Effect& effect : node_->step(now_ms_, std::move(event))) {
      auto* send = std::get_if<SendEffect>(&effect);
      if (send == nullptr) continue;
      if (send->message.dest == "lin-kv") {
        kv_.push_back(std::move(send->message));
      } else {
        replies_.push_back(std::move(send->message));
      }
    }
    node_->check_invariants();
  }

  void client(Body body) {
    step(Received{Message{"c1", "n1", next_client_msg_id_++, std::nullopt, std::move(body)}});
  }

  // The oldest lin-kv request not yet dealt with.
  Message take_kv() {
    if (kv_.empty()) {
      ADD_FAILURE() << "the node sent nothing to lin-kv";
      return Message{};
    }
    Message request = kv_.front();
    kv_.erase(kv_.begin());
    return request;
  }
  Message take_reply() {
    if (replies_.size() != 1) {
      ADD_FAILURE() << "expected one client reply, got " << replies_.size();
      return Message{};
    }
    Message reply = replies_.front();
    replies_.clear();
    return reply;
  }

  // lin-kv processes `request` (it happens) and answers it.
  void kv_answer(const Message& request) {
    std::optional<Body> answer = lin_kv_.handle(request, rng_);
    if (!answer) return ADD_FAILURE() << "lin-kv does not answer " << body_type(request.body);
    kv_reply(request, std::move(*answer));
  }
  void kv_reply(const Message& request, Body body) {
    step(Received{Message{"lin-kv", "n1", std::nullopt, request.msg_id, std::move(body)}});
  }
  // lin-kv processes `request`, but its answer is lost.
  void kv_apply_only(const Message& request) { lin_kv_.handle(request, rng_); }
  void kv_timeout(const Message& request) {
    step(TimerFired{TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(*request.msg_id)}});
  }
  // Another node's write, straight into lin-kv.
  void kv_put(Value key, Value value) {
    lin_kv_.handle(Message{"n2", "lin-kv", 1, std::nullopt, KvWriteBody{key, value}}, rng_);
  }
  const Value* kv_value(const Value& key) const { return lin_kv_.state().find(key); }

  // Answers every lin-kv request honestly until the node sends no more.
  void kv_answer_all() {
    while (!kv_.empty()) kv_answer(take_kv());
  }

  int64_t send_ok(const Message& reply) { return body_of<SendOkBody>(reply).offset; }

  LinKvKafka* app_ = nullptr;
  std::unique_ptr<Node> node_;
  int64_t now_ms_ = 0;
  std::vector<Message> kv_;
  std::vector<Message> replies_;
  sim::LinKv lin_kv_;
  Rng rng_{1};
  int64_t next_client_msg_id_ = 10;
};

TEST_F(LinKvKafkaTest, SendIsOneCasOfTheTailChunk) {
  client(SendBody{"k", Value(5)});
  Message cas = take_kv();
  auto body = body_of<KvCasBody>(cas);
  EXPECT_EQ(body.key, linkv::chunk_kv_key("k", 0));
  EXPECT_EQ(body.from.json_text(), "[]");
  EXPECT_EQ(body.to.json_text(), R"([["n1:0",5]])");
  EXPECT_TRUE(body.create_if_not_exists) << "the node believes the chunk empty";
  EXPECT_TRUE(replies_.empty()) << "no answer before lin-kv has it";
  kv_answer(cas);
  EXPECT_EQ(send_ok(take_reply()), 0);

  client(SendBody{"k", Value(6)});
  cas = take_kv();
  body = body_of<KvCasBody>(cas);
  EXPECT_EQ(body.from.json_text(), R"([["n1:0",5]])");
  EXPECT_EQ(body.to.json_text(), R"([["n1:0",5],["n1:1",6]])");
  EXPECT_FALSE(body.create_if_not_exists);
  kv_answer(cas);
  EXPECT_EQ(send_ok(take_reply()), 1);
  EXPECT_TRUE(kv_.empty());
}

TEST_F(LinKvKafkaTest, ConcurrentSendsToOneKeyShareACas) {
  client(SendBody{"k", Value(1)});
  client(SendBody{"k", Value(2)});  // waits: one cas per key and node
  client(SendBody{"k", Value(3)});
  const Message first = take_kv();
  EXPECT_TRUE(kv_.empty());
  kv_answer(first);
  EXPECT_EQ(send_ok(take_reply()), 0);
  const Message batch = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(batch).to.json_text(), R"([["n1:0",1],["n1:1",2],["n1:2",3]])");
  kv_answer(batch);
  ASSERT_EQ(replies_.size(), 2u);
  EXPECT_EQ(send_ok(replies_[0]), 1);
  EXPECT_EQ(send_ok(replies_[1]), 2);
}

TEST_F(LinKvKafkaTest, RefusedCasRetriesFromTheValueTheRefusalNames) {
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}}));
  client(SendBody{"k", Value(5)});
  kv_answer(take_kv());  // 22: "current value [["n2:0" 9]] is not []"
  const Message retry = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(retry).from.json_text(), R"([["n2:0",9]])") << "no read needed";
  kv_answer(retry);
  EXPECT_EQ(send_ok(take_reply()), 1);
}

TEST_F(LinKvKafkaTest, RefusedCasReadsTheChunkWhenTheRefusalSaysNothing) {
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}}));
  client(SendBody{"k", Value(5)});
  kv_reply(take_kv(), ErrorBody{22, "precondition failed"});
  const Message read = take_kv();
  EXPECT_EQ(body_of<KvReadBody>(read).key, linkv::chunk_kv_key("k", 0));
  kv_answer(read);
  const Message retry = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(retry).from.json_text(), R"([["n2:0",9]])");
  kv_answer(retry);
  EXPECT_EQ(send_ok(take_reply()), 1);
}

TEST_F(LinKvKafkaTest, TimedOutCasThatAppliedIsFoundByItsTag) {
  client(SendBody{"k", Value(5)});
  const Message cas = take_kv();
  kv_apply_only(cas);
  now_ms_ += 1000;
  kv_timeout(cas);
  EXPECT_TRUE(replies_.empty());
  const Message read = take_kv();
  EXPECT_TRUE(std::holds_alternative<KvReadBody>(read.body));
  kv_answer(read);
  EXPECT_EQ(send_ok(take_reply()), 0);
  EXPECT_TRUE(kv_.empty()) << "found: no second cas";
}

TEST_F(LinKvKafkaTest, TimedOutCasThatDidNotApplyIsRetried) {
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}}));
  client(SendBody{"k", Value(5)});
  kv_answer(take_kv());  // 22, naming [n2:0]
  const Message lost = take_kv();
  now_ms_ += 1000;
  kv_timeout(lost);  // never reached lin-kv
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}, {"n2:1", Value(8)}}));
  kv_answer(take_kv());  // read: longer, without our tag: the lost cas is dead
  const Message retry = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(retry).from.json_text(), R"([["n2:0",9],["n2:1",8]])");
  kv_answer(retry);
  EXPECT_EQ(send_ok(take_reply()), 2);
}

TEST_F(LinKvKafkaTest, LateCasAndItsRetryApplyOnlyOnce) {
  client(SendBody{"k", Value(5)});
  const Message slow = take_kv();
  now_ms_ += 1000;
  kv_timeout(slow);
  kv_answer(take_kv());  // read: key missing, the slow cas has not arrived yet
  const Message retry = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(retry).from.json_text(), "[]") << "the same `from`";
  kv_apply_only(slow);  // the slow cas arrives after all
  kv_answer(retry);     // 22, naming our own entry at offset 0
  EXPECT_EQ(send_ok(take_reply()), 0);
  EXPECT_TRUE(kv_.empty());
  EXPECT_EQ(kv_value(linkv::chunk_kv_key("k", 0))->json_text(), R"([["n1:0",5]])");
}

class LinKvGiveUpTest : public LinKvKafkaTest {
 protected:
  static LinKvConfig two_attempts() {
    LinKvConfig config;
    config.send_attempts_max = 2;
    return config;
  }
  LinKvGiveUpTest() : LinKvKafkaTest(two_attempts()) {}
};

TEST_F(LinKvGiveUpTest, EveryCasRefusedGivesADefiniteError) {
  // Another node keeps taking the next offset first.
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}}));
  client(SendBody{"k", Value(5)});
  kv_answer(take_kv());  // 22: [n2:0], so the cas from [] did not apply
  const Message retry = take_kv();
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}, {"n2:1", Value(8)}}));
  kv_answer(retry);  // 22: [n2:0, n2:1], without our tag
  EXPECT_EQ(body_of<ErrorBody>(take_reply()).code, 11);
  EXPECT_TRUE(kv_.empty());
}

TEST_F(LinKvGiveUpTest, ARefusalIsNotTrustedWithoutSeeingTheChunk) {
  // A 22 may answer a duplicate of a cas whose other copy applied, so only
  // the chunk's contents decide; a chunk still at `from` decides nothing.
  client(SendBody{"k", Value(5)});
  kv_reply(take_kv(), ErrorBody{22, "current value is not that"});
  kv_reply(take_kv(), ErrorBody{20, "key does not exist"});
  kv_reply(take_kv(), ErrorBody{22, "current value is not that"});
  kv_reply(take_kv(), ErrorBody{20, "key does not exist"});
  EXPECT_EQ(body_of<ErrorBody>(take_reply()).code, 0);
}

TEST_F(LinKvKafkaTest, ARefusalAnsweringADuplicateOfAnAppliedCasIsNotADuplicate) {
  client(SendBody{"k", Value(5)});
  const Message cas = take_kv();
  kv_apply_only(cas);  // the first copy applies; its cas_ok is lost
  kv_answer(cas);      // the second copy: 22, naming our entry
  EXPECT_EQ(send_ok(take_reply()), 0);
  EXPECT_TRUE(kv_.empty());
  EXPECT_EQ(kv_value(linkv::chunk_kv_key("k", 0))->json_text(), R"([["n1:0",5]])");
}

TEST_F(LinKvGiveUpTest, AnUnsettledTimeoutGivesAnIndefiniteError) {
  client(SendBody{"k", Value(5)});
  kv_reply(take_kv(), ErrorBody{22, "not that"});
  kv_reply(take_kv(), ErrorBody{20, "key does not exist"});
  const Message lost = take_kv();
  now_ms_ += 1000;
  kv_timeout(lost);
  kv_reply(take_kv(), ErrorBody{20, "key does not exist"});  // may still arrive
  const ErrorBody error = body_of<ErrorBody>(take_reply());
  EXPECT_EQ(error.code, 0);
  EXPECT_FALSE(is_definite(error.code));
}

TEST_F(LinKvGiveUpTest, ATimeoutSettledAsNotAppliedStillAllowsADefiniteError) {
  client(SendBody{"k", Value(5)});
  const Message lost = take_kv();
  now_ms_ += 1000;
  kv_timeout(lost);
  // Another node took offset 0: the lost cas (from []) can never apply.
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}}));
  kv_answer(take_kv());
  kv_reply(take_kv(), ErrorBody{22, "not that"});
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n2:0", Value(9)}, {"n2:1", Value(8)}}));
  kv_answer(take_kv());
  EXPECT_EQ(body_of<ErrorBody>(take_reply()).code, 11);
}

TEST_F(LinKvKafkaTest, SendPastItsDeadlineGivesUp) {
  client(SendBody{"k", Value(5)});
  const Message lost = take_kv();
  now_ms_ += app_->config().send_deadline_ms;
  kv_timeout(lost);
  const Message read = take_kv();
  now_ms_ += 1000;
  kv_timeout(read);
  EXPECT_EQ(body_of<ErrorBody>(take_reply()).code, 0);
}

TEST_F(LinKvKafkaTest, FullChunkMovesTheNextSendToTheNextChunk) {
  std::vector<ChunkEntry> full;
  for (int i = 0; i < 64; ++i) full.push_back({"n2:" + std::to_string(i), Value(i)});
  kv_put(linkv::chunk_kv_key("k", 0), chunk_of(full));
  client(SendBody{"k", Value(100)});
  kv_answer(take_kv());  // 22 on chunk 0, which is full
  const Message cas = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(cas).key, linkv::chunk_kv_key("k", 1));
  EXPECT_TRUE(body_of<KvCasBody>(cas).create_if_not_exists);
  kv_answer(cas);
  EXPECT_EQ(send_ok(take_reply()), 64);
}

TEST_F(LinKvKafkaTest, PollIsServedFromTheCacheAndRefreshesItsEnd) {
  client(SendBody{"k", Value(5)});
  kv_answer(take_kv());
  take_reply();

  client(PollBody{{{"k", 0}}});
  auto poll_ok = body_of<PollOkBody>(take_reply());
  ASSERT_EQ(poll_ok.msgs.size(), 1u);
  ASSERT_EQ(poll_ok.msgs[0].second.size(), 1u);
  EXPECT_EQ(poll_ok.msgs[0].second[0].msg, Value(5));
  EXPECT_TRUE(kv_.empty()) << "the cas just confirmed the tail";

  kv_put(linkv::chunk_kv_key("k", 0), chunk_of({{"n1:0", Value(5)}, {"n2:0", Value(6)}}));
  now_ms_ += 100;
  client(PollBody{{{"k", 1}}});
  EXPECT_TRUE(body_of<PollOkBody>(take_reply()).msgs.empty()) << "not seen yet";
  const Message refresh = take_kv();
  EXPECT_EQ(body_of<KvReadBody>(refresh).key, linkv::chunk_kv_key("k", 0));
  client(PollBody{{{"k", 1}}});
  take_reply();
  EXPECT_TRUE(kv_.empty()) << "one refresh in flight per key";
  kv_answer(refresh);

  client(PollBody{{{"k", 0}}});
  poll_ok = body_of<PollOkBody>(take_reply());
  ASSERT_EQ(poll_ok.msgs.size(), 1u);
  ASSERT_EQ(poll_ok.msgs[0].second.size(), 2u);
  EXPECT_EQ(poll_ok.msgs[0].second[1].offset, 1);
  EXPECT_EQ(poll_ok.msgs[0].second[1].msg, Value(6));
  EXPECT_TRUE(kv_.empty()) << "confirmed just now: rate-limited";
}

TEST_F(LinKvKafkaTest, PollOfAnUnknownKeyLooksItUpOnce) {
  client(PollBody{{{"x", 0}}});
  EXPECT_TRUE(body_of<PollOkBody>(take_reply()).msgs.empty());
  kv_answer(take_kv());  // 20: no such chunk
  client(PollBody{{{"x", 0}}});
  take_reply();
  EXPECT_TRUE(kv_.empty());
  now_ms_ += app_->config().refresh_gap_max_ms;
  client(PollBody{{{"x", 0}}});
  take_reply();
  EXPECT_EQ(kv_.size(), 1u) << "refreshed again once the gap has passed";
}

TEST_F(LinKvKafkaTest, RefreshSettlesASendOfUnknownOutcome) {
  client(SendBody{"k", Value(5)});
  const Message cas = take_kv();
  kv_apply_only(cas);
  now_ms_ += 50;
  client(PollBody{{{"k", 0}}});  // starts a refresh
  take_reply();
  kv_answer(take_kv());  // the refresh shows the tag; the cas is still out
  EXPECT_TRUE(replies_.empty());
  now_ms_ += 950;
  kv_timeout(cas);
  EXPECT_EQ(send_ok(take_reply()), 0);
  EXPECT_TRUE(kv_.empty()) << "settled from the cache: no re-read";
}

TEST_F(LinKvKafkaTest, AListLearnsAnotherNodesCommitForTheNextList) {
  kv_put(linkv::commit_kv_key("k"), Value(4));  // committed through another node
  client(ListCommittedOffsetsBody{{"k"}});
  EXPECT_TRUE(body_of<ListCommittedOffsetsOkBody>(take_reply()).offsets.empty());
  kv_answer(take_kv());
  client(ListCommittedOffsetsBody{{"k"}});
  EXPECT_EQ(body_of<ListCommittedOffsetsOkBody>(take_reply()).offsets, (KeyOffsets{{"k", 4}}));
  EXPECT_TRUE(kv_.empty()) << "looked up again before commit_lookup_interval_ms";
}

TEST_F(LinKvKafkaTest, CommitsAreLocalAtOnceFlushedLaterAndNeverGoBack) {
  client(CommitOffsetsBody{{{"k", 5}}});
  body_of<CommitOffsetsOkBody>(take_reply());
  EXPECT_TRUE(kv_.empty());
  client(CommitOffsetsBody{{{"k", 3}}});
  take_reply();
  client(ListCommittedOffsetsBody{{"k", "other"}});
  EXPECT_EQ(body_of<ListCommittedOffsetsOkBody>(take_reply()).offsets, (KeyOffsets{{"k", 5}}));
  // The list also looks both keys up in lin-kv, for other nodes' commits: none yet.
  for (const char* key : {"k", "other"}) {
    const Message lookup = take_kv();
    EXPECT_EQ(body_of<KvReadBody>(lookup).key, linkv::commit_kv_key(key));
    kv_answer(lookup);
  }

  now_ms_ += app_->config().commit_flush_interval_ms;
  step(TimerFired{TimerId{TimerKind::kApplication, LinKvKafka::kCommitFlushTimer}});
  const Message cas = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(cas).key, linkv::commit_kv_key("k"));
  EXPECT_TRUE(body_of<KvCasBody>(cas).create_if_not_exists);
  kv_answer(cas);
  EXPECT_EQ(*kv_value(linkv::commit_kv_key("k")), Value(5));

  client(CommitOffsetsBody{{{"k", 7}}});
  take_reply();
  kv_put(linkv::commit_kv_key("k"), Value(9));  // another node's
  now_ms_ += app_->config().commit_flush_interval_ms;
  step(TimerFired{TimerId{TimerKind::kApplication, LinKvKafka::kCommitFlushTimer}});
  const Message cas7 = take_kv();
  EXPECT_EQ(body_of<KvCasBody>(cas7).from, Value(5));
  kv_answer(cas7);  // 22, naming 9
  EXPECT_TRUE(kv_.empty()) << "lin-kv is ahead: nothing to write";
  EXPECT_EQ(*kv_value(linkv::commit_kv_key("k")), Value(9));
  client(ListCommittedOffsetsBody{{"k"}});
  EXPECT_EQ(body_of<ListCommittedOffsetsOkBody>(take_reply()).offsets, (KeyOffsets{{"k", 9}}));
  kv_answer(take_kv());  // the look-up finds 9 too

  client(CommitOffsetsBody{{{"k", 12}}});
  take_reply();
  kv_put(linkv::commit_kv_key("k"), Value(10));
  now_ms_ += app_->config().commit_flush_interval_ms;
  step(TimerFired{TimerId{TimerKind::kApplication, LinKvKafka::kCommitFlushTimer}});
  kv_reply(take_kv(), ErrorBody{22, "precondition failed"});  // says nothing: read
  const Message read = take_kv();
  EXPECT_EQ(body_of<KvReadBody>(read).key, linkv::commit_kv_key("k"));
  kv_answer(read);  // 10: still behind, so a cas from 10 to 12
  kv_answer_all();
  EXPECT_EQ(*kv_value(linkv::commit_kv_key("k")), Value(12));
}

TEST_F(LinKvKafkaTest, UnservedRequestsAreLeftToTheRuntime) {
  client(TsBody{});
  EXPECT_EQ(body_of<ErrorBody>(take_reply()).code, 10);
}

}  // namespace
}  // namespace eddy::core::kafka
