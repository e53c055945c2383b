// Node/Context RPC correlation: ctx.call() sends a request with a fresh msg_id
// and arms a kRpcTimeout timer; the callback runs exactly once, with the reply,
// the remote error, or a timeout (code 0, indefinite).
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/node.h"

namespace eddy::core {
namespace {

constexpr int64_t kTimeoutMs = 100;

// A proxy: a client's `read {key}` is forwarded to lin-kv, and the client is
// answered from the call's callback. With `chain_write`, the callback first
// writes value+1 back to lin-kv (a call started from a callback) and answers
// the client from that second callback.
class ProxyApp final : public Application {
 public:
  bool chain_write = false;
  std::vector<RpcResult> results;  // every callback run, in order

  bool on_request(Context& ctx, Message& request) override {
    const auto* read = std::get_if<KvReadBody>(&request.body);
    if (read == nullptr) return false;
    ctx.call(
        "lin-kv", KvReadBody{read->key}, kTimeoutMs,
        [this, request](Context& c, RpcResult result) { on_read(c, request, std::move(result)); });
    return true;
  }

 private:
  void on_read(Context& ctx, const Message& request, RpcResult result) {
    results.push_back(result);
    if (!result.ok()) return ctx.reply(request, result.error());
    const Value value = std::get<KvReadOkBody>(result.value().body).value;
    if (!chain_write) return ctx.reply(request, KvReadOkBody{value});
    const Value key = std::get<KvReadBody>(request.body).key;
    ctx.call("lin-kv", KvWriteBody{key, Value(value.integer() + 1)}, kTimeoutMs,
             [this, request](Context& c, RpcResult written) {
               results.push_back(written);
               if (!written.ok()) return c.reply(request, written.error());
               c.reply(request, KvWriteOkBody{});
             });
  }
};

std::vector<Message> sends(const std::vector<Effect>& effects) {
  std::vector<Message> out;
  for (const Effect& effect : effects) {
    if (const auto* send = std::get_if<SendEffect>(&effect)) out.push_back(send->message);
  }
  return out;
}

std::vector<LogEffect> logs(const std::vector<Effect>& effects, LogLevel level) {
  std::vector<LogEffect> out;
  for (const Effect& effect : effects) {
    const auto* log = std::get_if<LogEffect>(&effect);
    if (log != nullptr && log->level == level) out.push_back(*log);
  }
  return out;
}

Message only_send(const std::vector<Effect>& effects) {
  const auto sent = sends(effects);
  if (sent.size() != 1) {
    ADD_FAILURE() << "expected exactly one SendEffect, got " << sent.size();
    return Message{};
  }
  return sent.front();
}

using test_support::body_of;

class NodeRpcTest : public testing::Test {
 protected:
  NodeRpcTest() {
    auto app = std::make_unique<ProxyApp>();
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{Limits{}, 1}, std::move(app));
    record(node_->step(0, Received{Message{"c0", "n1", 1, std::nullopt, InitBody{"n1", {"n1"}}}}));
  }

  // A client read of `key` at now_ms; returns the msg_id of the call it starts.
  int64_t client_read(int64_t client_msg_id, Value key, int64_t now_ms = 1000) {
    last_ = record(node_->step(now_ms, Received{Message{"c1", "n1", client_msg_id, std::nullopt,
                                                        KvReadBody{std::move(key)}}}));
    const Message call = only_send(last_);
    return call.msg_id.value_or(-1);
  }

  std::vector<Effect> kv_reply(int64_t in_reply_to, Body body, int64_t now_ms = 1010) {
    return record(node_->step(now_ms, Received{Message{"lin-kv", "n1", next_kv_msg_id_++,
                                                       in_reply_to, std::move(body)}}));
  }

  std::vector<Effect> fire_timeout(int64_t call_id, int64_t now_ms = 1000 + kTimeoutMs) {
    return record(node_->step(
        now_ms, TimerFired{TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(call_id)}}));
  }

  // Every msg_id the node has sent, in order.
  const std::vector<int64_t>& sent_msg_ids() const { return sent_msg_ids_; }

  // Every step goes through here, so that sent_msg_ids() sees every message.
  std::vector<Effect> record(std::vector<Effect> effects) {
    for (const Message& m : sends(effects)) {
      EXPECT_TRUE(m.msg_id.has_value()) << "every message the node sends carries a msg_id";
      sent_msg_ids_.push_back(m.msg_id.value_or(-1));
    }
    return effects;
  }

  ProxyApp* app_ = nullptr;
  std::unique_ptr<Node> node_;
  std::vector<Effect> last_;

 private:
  int64_t next_kv_msg_id_ = 500;
  std::vector<int64_t> sent_msg_ids_;
};

TEST_F(NodeRpcTest, CallSendsTheRequestAndArmsItsTimeout) {
  const int64_t call_id = client_read(7, Value(3), 1000);
  ASSERT_EQ(last_.size(), 2u);
  const auto* send = std::get_if<SendEffect>(&last_[0]);
  ASSERT_NE(send, nullptr) << "the request is sent before its timer is set";
  EXPECT_EQ(send->message.src, "n1");
  EXPECT_EQ(send->message.dest, "lin-kv");
  EXPECT_FALSE(send->message.in_reply_to.has_value());
  EXPECT_EQ(body_of<KvReadBody>(send->message).key, Value(3));
  EXPECT_GT(call_id, sent_msg_ids().front()) << "fresh: after init_ok's msg_id";

  const auto* timer = std::get_if<SetTimerEffect>(&last_[1]);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->timer, (TimerId{TimerKind::kRpcTimeout, static_cast<uint64_t>(call_id)}));
  EXPECT_EQ(timer->due_ms, 1000 + kTimeoutMs);
  EXPECT_EQ(node_->context().pending_calls(), 1u);
  EXPECT_TRUE(app_->results.empty());
}

TEST_F(NodeRpcTest, MatchingReplyCompletesTheCallbackOnce) {
  const int64_t call_id = client_read(7, Value(3));
  const Message answer = only_send(kv_reply(call_id, KvReadOkBody{Value(42)}));
  EXPECT_EQ(answer.dest, "c1");
  EXPECT_EQ(answer.in_reply_to, 7);
  EXPECT_EQ(body_of<KvReadOkBody>(answer).value, Value(42));
  ASSERT_EQ(app_->results.size(), 1u);
  ASSERT_TRUE(app_->results[0].ok());
  EXPECT_EQ(app_->results[0].value().src, "lin-kv");
  EXPECT_EQ(app_->results[0].value().in_reply_to, call_id);
  EXPECT_EQ(node_->context().pending_calls(), 0u);
}

TEST_F(NodeRpcTest, DuplicateReplyIsDropped) {
  const int64_t call_id = client_read(7, Value(3));
  kv_reply(call_id, KvReadOkBody{Value(42)});
  const auto effects = kv_reply(call_id, KvReadOkBody{Value(43)});
  EXPECT_TRUE(sends(effects).empty());
  EXPECT_EQ(logs(effects, LogLevel::kDebug).size(), 1u);
  EXPECT_EQ(app_->results.size(), 1u);
}

TEST_F(NodeRpcTest, ErrorReplyIsDeliveredWithItsCode) {
  const int64_t call_id = client_read(7, Value(3));
  const Message answer = only_send(kv_reply(call_id, ErrorBody{20, "key does not exist"}));
  ASSERT_EQ(app_->results.size(), 1u);
  ASSERT_FALSE(app_->results[0].ok());
  EXPECT_EQ(app_->results[0].error().code, 20);
  EXPECT_EQ(app_->results[0].error().text, "key does not exist");
  EXPECT_EQ(body_of<ErrorBody>(answer).code, 20);
  EXPECT_EQ(answer.in_reply_to, 7);
}

TEST_F(NodeRpcTest, TimeoutCompletesWithCode0) {
  const int64_t call_id = client_read(7, Value(3));
  const Message answer = only_send(fire_timeout(call_id));
  ASSERT_EQ(app_->results.size(), 1u);
  ASSERT_FALSE(app_->results[0].ok());
  EXPECT_EQ(app_->results[0].error().code, 0);
  EXPECT_FALSE(is_definite(app_->results[0].error().code));
  EXPECT_EQ(body_of<ErrorBody>(answer).code, 0);
  EXPECT_EQ(answer.in_reply_to, 7);
  EXPECT_EQ(node_->context().pending_calls(), 0u);
}

TEST_F(NodeRpcTest, ReplyAfterTimeoutIsDroppedWithADebugLog) {
  const int64_t call_id = client_read(7, Value(3));
  fire_timeout(call_id);
  const auto effects = kv_reply(call_id, KvReadOkBody{Value(42)}, 2000);
  EXPECT_TRUE(sends(effects).empty());
  const auto debug = logs(effects, LogLevel::kDebug);
  ASSERT_EQ(debug.size(), 1u);
  EXPECT_NE(debug[0].text.find(std::to_string(call_id)), std::string::npos) << debug[0].text;
  EXPECT_NE(debug[0].text.find("lin-kv"), std::string::npos) << debug[0].text;
  EXPECT_EQ(app_->results.size(), 1u);
}

TEST_F(NodeRpcTest, TimerAfterReplyIsANoOp) {
  const int64_t call_id = client_read(7, Value(3));
  kv_reply(call_id, KvReadOkBody{Value(42)});
  EXPECT_TRUE(fire_timeout(call_id).empty());
  EXPECT_EQ(app_->results.size(), 1u);
}

TEST_F(NodeRpcTest, TimerForAnUnknownCallIsANoOp) {
  EXPECT_TRUE(fire_timeout(424242).empty());
  EXPECT_TRUE(app_->results.empty());
}

TEST_F(NodeRpcTest, ConcurrentCallsAreCorrelatedOutOfOrder) {
  const int64_t call_a = client_read(11, Value::from_json_text(R"("a")"));
  const int64_t call_b = client_read(12, Value::from_json_text(R"("b")"));
  const int64_t call_c = client_read(13, Value::from_json_text(R"("c")"));
  EXPECT_LT(call_a, call_b);
  EXPECT_LT(call_b, call_c);
  EXPECT_EQ(node_->context().pending_calls(), 3u);

  const Message to_c = only_send(kv_reply(call_c, KvReadOkBody{Value(30)}));
  const Message to_a = only_send(kv_reply(call_a, KvReadOkBody{Value(10)}));
  EXPECT_EQ(node_->context().pending_calls(), 1u);
  const Message to_b = only_send(fire_timeout(call_b));

  EXPECT_EQ(to_c.in_reply_to, 13);
  EXPECT_EQ(body_of<KvReadOkBody>(to_c).value, Value(30));
  EXPECT_EQ(to_a.in_reply_to, 11);
  EXPECT_EQ(body_of<KvReadOkBody>(to_a).value, Value(10));
  EXPECT_EQ(to_b.in_reply_to, 12);
  EXPECT_EQ(body_of<ErrorBody>(to_b).code, 0);
  EXPECT_EQ(app_->results.size(), 3u);
}

TEST_F(NodeRpcTest, CallbackMayStartANewCall) {
  app_->chain_write = true;
  const int64_t read_id = client_read(7, Value(3));
  const auto effects = kv_reply(read_id, KvReadOkBody{Value(41)});
  ASSERT_EQ(effects.size(), 2u);
  const Message write = only_send(effects);
  EXPECT_EQ(write.dest, "lin-kv");
  const auto& body = body_of<KvWriteBody>(write);
  EXPECT_EQ(body.key, Value(3));
  EXPECT_EQ(body.value, Value(42));
  ASSERT_TRUE(write.msg_id.has_value());
  EXPECT_GT(*write.msg_id, read_id);
  const auto* timer = std::get_if<SetTimerEffect>(&effects[1]);
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->timer.arg, static_cast<uint64_t>(*write.msg_id));
  EXPECT_EQ(timer->due_ms, 1010 + kTimeoutMs);
  EXPECT_EQ(node_->context().pending_calls(), 1u);

  const Message answer = only_send(kv_reply(*write.msg_id, KvWriteOkBody{}));
  body_of<KvWriteOkBody>(answer);
  EXPECT_EQ(answer.in_reply_to, 7);
  EXPECT_EQ(app_->results.size(), 2u);
  EXPECT_EQ(node_->context().pending_calls(), 0u);
}

TEST_F(NodeRpcTest, ChainedCallCanTimeOutOnItsOwn) {
  app_->chain_write = true;
  const int64_t read_id = client_read(7, Value(3));
  const Message write = only_send(kv_reply(read_id, KvReadOkBody{Value(1)}));
  fire_timeout(read_id, 1100);  // the first call is done: no-op
  EXPECT_EQ(app_->results.size(), 1u);
  const Message answer = only_send(fire_timeout(write.msg_id.value_or(-1), 1110));
  EXPECT_EQ(body_of<ErrorBody>(answer).code, 0);
  EXPECT_EQ(app_->results.size(), 2u);
}

TEST_F(NodeRpcTest, MsgIdsAreUniqueAndIncreasingAcrossRepliesAndCalls) {
  app_->chain_write = true;
  const int64_t first = client_read(7, Value(1));
  const int64_t second = client_read(8, Value(2));
  const Message write = only_send(kv_reply(second, KvReadOkBody{Value(5)}));
  kv_reply(first, ErrorBody{20, ""});
  kv_reply(write.msg_id.value_or(-1), KvWriteOkBody{});
  record(node_->step(3000, Received{Message{"c2", "n1", 1, std::nullopt, UnknownBody{"echo"}}}));

  const auto& ids = sent_msg_ids();
  ASSERT_EQ(ids.size(), 7u);  // init_ok, read, read, write, error 20, write_ok, error 10
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]) << "at " << i;
}

TEST_F(NodeRpcTest, CallTimeoutIsMeasuredFromTheStepsNow) {
  client_read(7, Value(3), 5000);
  const auto* timer = std::get_if<SetTimerEffect>(&last_.back());
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->due_ms, 5000 + kTimeoutMs);
}

}  // namespace
}  // namespace eddy::core
