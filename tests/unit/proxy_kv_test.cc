// kv::ProxyKv (the lin-kv workload's `proxy` strategy) driven through
// core::Node, with the test playing Maelstrom's lin-kv by hand: each request
// the node forwards is answered by a simulated lin-kv (sim/services/lin_kv.h),
// lost, or answered wrongly, as the case needs.
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <memory>
#include <optional>
#include <vector>

#include "core/error_code.h"
#include "core/kv/proxy.h"
#include "core/node.h"
#include "core/strategy.h"
#include "sim/services/lin_kv.h"

namespace eddy::core::kv {
namespace {

using test_support::body_of;

class ProxyKvTest : public testing::Test {
 protected:
  ProxyKvTest() {
    node_ = std::make_unique<Node>(NodeConfig{Limits{}, 1}, std::make_unique<ProxyKv>());
    step(Received{Message{"c0", "n0", 1, std::nullopt, InitBody{"n0", {"n0", "n1"}}}});
    replies_.clear();  // init_ok
  }

  void step(Event event) {
    for (Effect& effect : node_->step(now_ms_, std::move(event))) {
      auto* send = std::get_if<SendEffect>(&effect);
      if (send == nullptr) continue;
      (send->message.dest == "lin-kv" ? kv_ : replies_).push_back(std::move(send->message));
    }
  }
  void client(Body body) {
    step(Received{Message{"c4", "n0", next_msg_id_++, std::nullopt, std::move(body)}});
  }
  Message take(std::vector<Message>& queue) {
    if (queue.empty()) {
      ADD_FAILURE() << "nothing was sent";
      return Message{};
    }
    Message message = queue.front();
    queue.erase(queue.begin());
    return message;
  }
  // lin-kv handles the oldest forwarded request and its answer comes back.
  void kv_answer() {
    const Message request = take(kv_);
    std::optional<Body> answer = lin_kv_.handle(request, rng_);
    ASSERT_TRUE(answer.has_value());
    kv_reply(request, std::move(*answer));
  }
  void kv_reply(const Message& request, Body body) {
    step(Received{Message{"lin-kv", "n0", std::nullopt, request.msg_id, std::move(body)}});
  }

  std::unique_ptr<Node> node_;
  int64_t now_ms_ = 0;
  std::vector<Message> kv_;
  std::vector<Message> replies_;
  sim::LinKv lin_kv_;
  Rng rng_{1};
  int64_t next_msg_id_ = 10;
};

TEST_F(ProxyKvTest, ForwardsEachRequestAndRelaysTheAnswer) {
  client(KvWriteBody{Value(0), Value(3)});
  const Message forwarded = kv_.front();
  EXPECT_EQ(forwarded.src, "n0");
  EXPECT_EQ(body_of<KvWriteBody>(forwarded).value, Value(3));
  EXPECT_TRUE(replies_.empty()) << "no answer before lin-kv's";
  kv_answer();
  Message reply = take(replies_);
  EXPECT_EQ(reply.dest, "c4");
  EXPECT_EQ(reply.in_reply_to, 10);
  body_of<KvWriteOkBody>(reply);

  client(KvReadBody{Value(0)});
  kv_answer();
  EXPECT_EQ(body_of<KvReadOkBody>(take(replies_)).value, Value(3));

  client(KvCasBody{Value(0), Value(3), Value(4), false});
  kv_answer();
  body_of<KvCasOkBody>(take(replies_));
}

TEST_F(ProxyKvTest, RelaysDefiniteServiceErrorsWithTheirCode) {
  client(KvReadBody{Value(7)});
  kv_answer();
  ErrorBody error = body_of<ErrorBody>(take(replies_));
  EXPECT_EQ(error.code, static_cast<int32_t>(ErrorCode::kKeyDoesNotExist));

  client(KvWriteBody{Value(7), Value(1)});
  kv_answer();
  take(replies_);
  client(KvCasBody{Value(7), Value(2), Value(3), false});
  kv_answer();
  error = body_of<ErrorBody>(take(replies_));
  EXPECT_EQ(error.code, static_cast<int32_t>(ErrorCode::kPreconditionFailed));
  EXPECT_EQ(error.text, "current value 1 is not 2");
}

TEST_F(ProxyKvTest, ANoShowOfLinKvIsIndefinite) {
  client(KvWriteBody{Value(0), Value(1)});
  const Message request = take(kv_);
  lin_kv_.handle(request, rng_);  // it happened, but the answer is lost
  now_ms_ += Limits{}.rpc_timeout_ms;
  step(TimerFired{TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(*request.msg_id)}});
  const ErrorBody error = body_of<ErrorBody>(take(replies_));
  EXPECT_EQ(error.code, static_cast<int32_t>(ErrorCode::kTimeout));
  EXPECT_FALSE(is_definite(error.code)) << "the write may have happened (it did)";
  // The late answer finds no call waiting and changes nothing.
  kv_reply(request, KvWriteOkBody{});
  EXPECT_TRUE(replies_.empty());
}

TEST_F(ProxyKvTest, AWrongAnswerFromLinKvIsIndefinite) {
  client(KvCasBody{Value(0), Value(1), Value(2), false});
  kv_reply(take(kv_), KvReadOkBody{Value(1)});
  const ErrorBody error = body_of<ErrorBody>(take(replies_));
  EXPECT_FALSE(is_definite(error.code)) << error.code;
}

TEST_F(ProxyKvTest, ServesOnlyLinKvRequests) {
  client(SendBody{"k", Value(1)});
  EXPECT_TRUE(kv_.empty());
  EXPECT_EQ(body_of<ErrorBody>(take(replies_)).code,
            static_cast<int32_t>(ErrorCode::kNotSupported));
}

TEST(Strategies, EachServesKnownWorkloadsAndEachWorkloadHasADefault) {
  for (const StrategyInfo& info : strategies()) {
    ASSERT_FALSE(info.workloads.empty()) << info.name;
    for (const std::string_view workload : info.workloads) {
      EXPECT_TRUE(workload == kKafkaWorkload || workload == kLinKvWorkload) << info.name;
    }
    EXPECT_TRUE(make_strategy(info.name).ok()) << info.name;
    EXPECT_EQ(find_strategy(info.name), &info);
  }
  EXPECT_TRUE(find_strategy(default_strategy(kKafkaWorkload))->serves(kKafkaWorkload));
  EXPECT_TRUE(find_strategy(default_strategy(kLinKvWorkload))->serves(kLinKvWorkload));
  EXPECT_FALSE(find_strategy("proxy")->serves(kKafkaWorkload));
  EXPECT_EQ(find_strategy("paxos"), nullptr);
}

TEST(Strategies, RaftServesBothWorkloadsFromOneLog) {
  const StrategyInfo* raft = find_strategy("raft");
  ASSERT_NE(raft, nullptr);
  EXPECT_TRUE(raft->serves(kLinKvWorkload));
  EXPECT_TRUE(raft->serves(kKafkaWorkload));
  EXPECT_EQ(raft->workloads_text(), "lin-kv, kafka");
  EXPECT_EQ(find_strategy("gossip")->workloads_text(), "kafka");
}

}  // namespace
}  // namespace eddy::core::kv
