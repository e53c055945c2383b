// Node: Maelstrom's init handshake, answers before init (11), unsupported
// types (10), codec rejections (12), and application timers.
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/json_codec.h"
#include "core/node.h"

namespace eddy::core {
namespace {

// An application whose behaviour each test scripts, and which records what the
// runtime handed it.
class ScriptedApp final : public Application {
 public:
  std::function<bool(Context&, Message&)> handle_request = [](Context&, Message&) { return false; };
  std::function<void(Context&, uint64_t)> handle_timer = [](Context&, uint64_t) {};

  int init_count = 0;
  std::vector<std::string> requests_seen;
  std::vector<uint64_t> timers_seen;

  void on_init(Context&) override { ++init_count; }
  bool on_request(Context& ctx, Message& request) override {
    requests_seen.emplace_back(body_type(request.body));
    return handle_request(ctx, request);
  }
  void on_timer(Context& ctx, uint64_t arg) override {
    timers_seen.push_back(arg);
    handle_timer(ctx, arg);
  }
};

Message request(std::string src, std::string dest, int64_t msg_id, Body body) {
  return Message{std::move(src), std::move(dest), msg_id, std::nullopt, std::move(body)};
}

Message init_request(std::string node_id, std::vector<std::string> node_ids, int64_t msg_id = 1) {
  std::string dest = node_id;
  return request("c0", std::move(dest), msg_id, InitBody{std::move(node_id), std::move(node_ids)});
}

std::vector<Message> sends(const std::vector<Effect>& effects) {
  std::vector<Message> out;
  for (const Effect& effect : effects) {
    if (const auto* send = std::get_if<SendEffect>(&effect)) out.push_back(send->message);
  }
  return out;
}

std::vector<SetTimerEffect> timers(const std::vector<Effect>& effects) {
  std::vector<SetTimerEffect> out;
  for (const Effect& effect : effects) {
    if (const auto* timer = std::get_if<SetTimerEffect>(&effect)) out.push_back(*timer);
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

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// The one message a step sent; fails the test if it sent none or several.
Message only_send(const std::vector<Effect>& effects) {
  const auto sent = sends(effects);
  if (sent.size() != 1) {
    ADD_FAILURE() << "expected exactly one SendEffect, got " << sent.size();
    return Message{};
  }
  return sent.front();
}

using test_support::body_of;

class NodeTest : public testing::Test {
 protected:
  NodeTest() {
    auto app = std::make_unique<ScriptedApp>();
    app_ = app.get();
    node_ = std::make_unique<Node>(NodeConfig{Limits{}, 7}, std::move(app));
  }

  std::vector<Effect> receive(Message message, int64_t now_ms = 0) {
    return node_->step(now_ms, Received{std::move(message)});
  }
  std::vector<Effect> init(std::string node_id = "n1",
                           std::vector<std::string> node_ids = {"n1", "n2"}) {
    return receive(init_request(std::move(node_id), std::move(node_ids)));
  }

  ScriptedApp* app_ = nullptr;
  std::unique_ptr<Node> node_;
};

// --- init -----------------------------------------------------------------------

TEST_F(NodeTest, InitIsAnsweredWithInitOk) {
  const auto effects = receive(init_request("n1", {"n1", "n2"}, 17));
  const Message reply = only_send(effects);
  body_of<InitOkBody>(reply);
  EXPECT_EQ(reply.src, "n1");
  EXPECT_EQ(reply.dest, "c0");
  EXPECT_EQ(reply.in_reply_to, 17);
  EXPECT_TRUE(reply.msg_id.has_value());
  EXPECT_EQ(logs(effects, LogLevel::kInfo).size(), 1u);
}

TEST_F(NodeTest, InitNamesTheNodeAndCallsOnInitOnce) {
  EXPECT_FALSE(node_->context().initialised());
  init("n2", {"n1", "n2", "n3"});
  EXPECT_TRUE(node_->context().initialised());
  EXPECT_EQ(node_->context().node_id(), "n2");
  EXPECT_EQ(node_->context().node_ids(), (std::vector<std::string>{"n1", "n2", "n3"}));
  EXPECT_EQ(app_->init_count, 1);
  EXPECT_TRUE(app_->requests_seen.empty());  // init is the runtime's, not the app's
}

TEST_F(NodeTest, RetriedIdenticalInitGetsInitOkAgain) {
  init();
  const Message reply = only_send(receive(init_request("n1", {"n1", "n2"}, 2)));
  body_of<InitOkBody>(reply);
  EXPECT_EQ(reply.in_reply_to, 2);
  EXPECT_EQ(app_->init_count, 1);
}

TEST_F(NodeTest, ReInitAsAnotherNodeGetsError12) {
  init();
  const Message reply = only_send(receive(init_request("n2", {"n1", "n2"}, 2)));
  const auto& error = body_of<ErrorBody>(reply);
  EXPECT_EQ(error.code, 12);
  EXPECT_TRUE(contains(error.text, "already initialised as n1")) << error.text;
  EXPECT_EQ(reply.in_reply_to, 2);
  EXPECT_EQ(node_->context().node_id(), "n1");
  EXPECT_EQ(app_->init_count, 1);
}

TEST_F(NodeTest, ReInitWithOtherPeersGetsError12) {
  init("n1", {"n1", "n2"});
  const Message reply = only_send(receive(init_request("n1", {"n1", "n2", "n3"}, 2)));
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 12);
  EXPECT_EQ(node_->context().node_ids(), (std::vector<std::string>{"n1", "n2"}));
}

// The codec accepts {"node_id":"","node_ids":[""]}. Whatever the node does with
// it, an init_ok must mean "initialised": later requests must not be refused
// with 11 ("expected init first"), and a second, different init must not
// re-run Application::on_init ("called once").
TEST_F(NodeTest, InitOkForAnEmptyNodeIdMeansInitialised) {
  const Message reply = only_send(receive(init_request("", {""})));
  if (!std::holds_alternative<InitOkBody>(reply.body)) {
    EXPECT_EQ(body_of<ErrorBody>(reply).code, 12);  // refusing it is fine too
    return;
  }
  EXPECT_TRUE(node_->context().initialised());
  const Message answer = only_send(receive(request("c1", "", 2, PollBody{})));
  EXPECT_NE(body_of<ErrorBody>(answer).code, 11) << body_of<ErrorBody>(answer).text;
  receive(init_request("n1", {"n1"}, 3));
  EXPECT_EQ(app_->init_count, 1);
}

// --- before init -------------------------------------------------------------------

TEST_F(NodeTest, RequestBeforeInitGetsError11AnsweredAsItsDest) {
  const Message reply = only_send(receive(request("c1", "n7", 5, SendBody{"k", Value(1)})));
  const auto& error = body_of<ErrorBody>(reply);
  EXPECT_EQ(error.code, 11);
  EXPECT_TRUE(is_definite(error.code));
  EXPECT_EQ(reply.src, "n7");
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_EQ(reply.in_reply_to, 5);
  EXPECT_TRUE(app_->requests_seen.empty());
}

TEST_F(NodeTest, RequestWithoutMsgIdBeforeInitGetsAnErrorWithoutInReplyTo) {
  Message one_way = request("c1", "n7", 0, SendBody{"k", Value(1)});
  one_way.msg_id.reset();
  const Message reply = only_send(receive(std::move(one_way)));
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 11);
  EXPECT_FALSE(reply.in_reply_to.has_value());
}

// --- after init -----------------------------------------------------------------------

TEST_F(NodeTest, UnknownTypeGetsError10NamingIt) {
  init();
  const Message reply = only_send(receive(request("c1", "n1", 3, UnknownBody{"echo"})));
  const auto& error = body_of<ErrorBody>(reply);
  EXPECT_EQ(error.code, 10);
  EXPECT_TRUE(contains(error.text, "'echo'")) << error.text;
  EXPECT_EQ(reply.src, "n1");
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_EQ(reply.in_reply_to, 3);
  EXPECT_EQ(app_->requests_seen, (std::vector<std::string>{"echo"}));
}

TEST_F(NodeTest, KnownTypeTheAppDoesNotServeGetsError10) {
  init();
  const Message reply = only_send(receive(request("c1", "n1", 3, PollBody{})));
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 10);
  EXPECT_TRUE(contains(body_of<ErrorBody>(reply).text, "'poll'"));
}

TEST_F(NodeTest, ServedRequestReachesTheApplication) {
  app_->handle_request = [](Context& ctx, Message& m) {
    ctx.reply(m, SendOkBody{99});
    return true;
  };
  init();
  const Message reply = only_send(receive(request("c1", "n1", 4, SendBody{"k", Value(1)})));
  EXPECT_EQ(body_of<SendOkBody>(reply).offset, 99);
  EXPECT_EQ(reply.in_reply_to, 4);
  EXPECT_EQ(app_->requests_seen, (std::vector<std::string>{"send"}));
}

TEST_F(NodeTest, ReplyToNoCallIsDroppedWithADebugLog) {
  init();
  Message stray = request("n2", "n1", 8, SendOkBody{1});
  stray.in_reply_to = 12345;
  const auto effects = receive(std::move(stray));
  EXPECT_TRUE(sends(effects).empty());
  const auto debug = logs(effects, LogLevel::kDebug);
  ASSERT_EQ(debug.size(), 1u);
  EXPECT_TRUE(contains(debug[0].text, "12345")) << debug[0].text;
  EXPECT_TRUE(app_->requests_seen.empty());
}

// --- codec rejections ---------------------------------------------------------------

TEST_F(NodeTest, ReplyableRejectionGetsAnErrorWithItsCodeAndAWarning) {
  init();
  const auto effects = node_->step(
      0, Rejected{DecodeError{ErrorCode::kMalformedRequest, "missing field 'msg'", "c1", "n1", 9}});
  const Message reply = only_send(effects);
  const auto& error = body_of<ErrorBody>(reply);
  EXPECT_EQ(error.code, 12);
  EXPECT_EQ(error.text, "missing field 'msg'");
  EXPECT_EQ(reply.src, "n1");
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_EQ(reply.in_reply_to, 9);
  const auto warnings = logs(effects, LogLevel::kWarn);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0].text, "c1")) << warnings[0].text;
  EXPECT_TRUE(contains(warnings[0].text, "missing field 'msg'")) << warnings[0].text;
}

TEST_F(NodeTest, RejectionKeepsTheDecodeErrorsCode) {
  init();
  const Message reply = only_send(
      node_->step(0, Rejected{DecodeError{ErrorCode::kNotSupported, "nope", "c1", "n1", 9}}));
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 10);
}

TEST_F(NodeTest, RejectionWithoutSenderIsOnlyLogged) {
  init();
  const auto effects =
      node_->step(0, Rejected{DecodeError{ErrorCode::kMalformedRequest, "line is not valid JSON",
                                          std::nullopt, std::nullopt, std::nullopt}});
  EXPECT_TRUE(sends(effects).empty());
  const auto warnings = logs(effects, LogLevel::kWarn);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(contains(warnings[0].text, "line is not valid JSON"));
  EXPECT_EQ(effects.size(), 1u);
}

TEST_F(NodeTest, RejectionWithoutMsgIdIsOnlyLogged) {
  init();
  const auto effects = node_->step(
      0, Rejected{DecodeError{ErrorCode::kMalformedRequest, "bad", "c1", "n1", std::nullopt}});
  EXPECT_TRUE(sends(effects).empty());
  EXPECT_EQ(logs(effects, LogLevel::kWarn).size(), 1u);
}

TEST_F(NodeTest, RejectionBeforeInitIsAnsweredAsItsDest) {
  const Message reply = only_send(
      node_->step(0, Rejected{DecodeError{ErrorCode::kMalformedRequest, "bad", "c1", "n4", 2}}));
  EXPECT_EQ(reply.src, "n4");
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_EQ(reply.in_reply_to, 2);
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 12);
}

TEST_F(NodeTest, BadLineFromTheCodecIsAnsweredWith12) {
  init();
  const DecodeResult decoded = decode_line(
      R"({"src":"c1","dest":"n1","body":{"type":"poll","msg_id":6,"offsets":{"k":1.0}}})",
      Limits{});
  ASSERT_FALSE(decoded.ok());
  const Message reply = only_send(node_->step(0, Rejected{decoded.error()}));
  EXPECT_EQ(reply.dest, "c1");
  EXPECT_EQ(reply.in_reply_to, 6);
  EXPECT_EQ(body_of<ErrorBody>(reply).code, 12);
  EXPECT_EQ(body_of<ErrorBody>(reply).text, decoded.error().text);
}

// --- application timers ---------------------------------------------------------------

TEST_F(NodeTest, ApplicationTimerIsSetAndArrivesWithItsArg) {
  app_->handle_request = [](Context& ctx, Message&) {
    ctx.set_timer(77, ctx.now_ms() + 50);
    return true;
  };
  init();
  const auto set = timers(receive(request("c1", "n1", 2, PollBody{}), 1000));
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set[0].timer.kind, TimerKind::kApplication);
  EXPECT_EQ(set[0].timer.arg, 77u);
  EXPECT_EQ(set[0].due_ms, 1050);

  node_->step(1050, TimerFired{TimerId{TimerKind::kApplication, 77}});
  EXPECT_EQ(app_->timers_seen, (std::vector<uint64_t>{77}));
}

TEST_F(NodeTest, ApplicationTimerHandlerMaySend) {
  app_->handle_timer = [](Context& ctx, uint64_t arg) {
    ctx.send("n2", SendOkBody{static_cast<int64_t>(arg)});
  };
  init();
  const Message sent = only_send(node_->step(10, TimerFired{TimerId{TimerKind::kApplication, 5}}));
  EXPECT_EQ(sent.src, "n1");
  EXPECT_EQ(sent.dest, "n2");
  EXPECT_TRUE(sent.msg_id.has_value());
  EXPECT_FALSE(sent.in_reply_to.has_value());
  EXPECT_EQ(body_of<SendOkBody>(sent).offset, 5);
}

TEST_F(NodeTest, ClockNeverGoesBackwards) {
  init();
  node_->step(1000, TimerFired{TimerId{TimerKind::kApplication, 1}});
  node_->step(400, TimerFired{TimerId{TimerKind::kApplication, 2}});
  EXPECT_EQ(node_->context().now_ms(), 1000);
}

TEST_F(NodeTest, SeedIsTheContextsRng) {
  // NodeConfig.seed is 7: the context's generator must draw what Rng(7) draws.
  auto app = std::make_unique<ScriptedApp>();
  uint64_t drawn = 0;
  app->handle_request = [&drawn](Context& ctx, Message&) {
    drawn = ctx.rng().next_u64();
    return true;
  };
  Node node(NodeConfig{Limits{}, 7}, std::move(app));
  node.step(0, Received{init_request("n1", {"n1"})});
  node.step(0, Received{request("c1", "n1", 2, PollBody{})});
  EXPECT_EQ(drawn, Rng(7).next_u64());
}

}  // namespace
}  // namespace eddy::core
