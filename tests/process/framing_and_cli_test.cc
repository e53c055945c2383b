// Line framing on stdin (blank lines, CRLF, split writes, a last line without
// a newline, end of input) and eddy-node's command line.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

// A send request line from c1, framed by hand.
std::string send_line(int64_t id, const std::string& key, int msg) {
  return R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":)" + std::to_string(id) +
         R"(,"key":")" + key + R"(","msg":)" + std::to_string(msg) + "}}";
}

TEST(Framing, BlankLinesAreIgnored) {
  KafkaSession node;
  node.init();
  // Empty and whitespace-only lines: no reply, no log of a rejection.
  ASSERT_TRUE(node.process().write("\n\n   \n\t\n\r\n \t \r\n"));
  const int64_t offset = node.send("k1", 1);
  ASSERT_TRUE(node.process().write("\n"));
  EXPECT_EQ(node.poll(json{{"k1", 0}}), (json{{"k1", json::array({json::array({offset, 1})})}}));
  const std::string log = node.expect_clean_exit();
  EXPECT_EQ(log.find("rejected"), std::string::npos) << log;
}

TEST(Framing, CrlfLineIsAnswered) {
  KafkaSession node;
  node.init();
  ASSERT_TRUE(node.process().write(send_line(100, "k1", 1) + "\r\n"));
  node.expect_reply(100, "send_ok", {"offset"});
  node.expect_clean_exit();
}

TEST(Framing, FinalLineWithoutNewlineIsAnswered) {
  KafkaSession node;
  node.init();
  ASSERT_TRUE(node.process().write(send_line(100, "k1", 7)));  // no '\n'
  // The line is only complete at end of input: close stdin, then read.
  node.process().close_stdin();
  node.expect_reply(100, "send_ok", {"offset"});
  node.expect_clean_exit();
}

TEST(Framing, OnlyALineWithoutNewline) {
  // The very first (init) line has no newline and is also the last.
  NodeProcess process(EDDY_NODE_BIN, {}, KafkaSession::hermetic({}));
  ASSERT_TRUE(process.write(
      R"({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})"));
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.ok()) << exit.describe();
  const json reply = json::parse(process.unread_stdout(), nullptr, false);
  ASSERT_TRUE(reply.is_object()) << process.unread_stdout();
  EXPECT_EQ(reply["body"]["type"], "init_ok");
  EXPECT_EQ(reply["body"]["in_reply_to"], 1);
  EXPECT_EQ(reply["dest"], "c0");
}

TEST(Framing, ManyRequestsInOneWriteAreAnsweredInOrder) {
  KafkaSession node;
  node.init();
  std::string batch;
  for (int i = 0; i < 200; ++i) batch += send_line(1000 + i, i % 2 ? "odd" : "even", i) + "\n";
  ASSERT_TRUE(node.process().write(batch));
  int64_t last_odd = -1;
  int64_t last_even = -1;
  for (int i = 0; i < 200; ++i) {
    const json reply = node.expect_reply(1000 + i, "send_ok", {"offset"});
    ASSERT_TRUE(reply.is_object());
    int64_t& last = i % 2 ? last_odd : last_even;
    EXPECT_GT(reply["offset"].get<int64_t>(), last);
    last = reply["offset"];
  }
  node.expect_clean_exit();
}

TEST(Framing, RequestSplitAcrossWritesIsAnswered) {
  KafkaSession node;
  node.init();
  const std::string line = send_line(100, "k1", 3) + "\n" + send_line(101, "k1", 4) + "\n";
  // Dribble the two lines out a few bytes at a time.
  for (size_t i = 0; i < line.size(); i += 7) {
    ASSERT_TRUE(node.process().write(line.substr(i, 7)));
    if (i % 35 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int64_t first = node.expect_reply(100, "send_ok", {"offset"}).value("offset", int64_t{-1});
  const int64_t second = node.expect_reply(101, "send_ok", {"offset"}).value("offset", int64_t{-1});
  EXPECT_GT(second, first);
  EXPECT_EQ(node.poll(json{{"k1", first}}),
            (json{{"k1", json::array({json::array({first, 3}), json::array({second, 4})})}}));
  node.expect_clean_exit();
}

TEST(Framing, RepliesArriveBeforeEndOfInput) {
  // The node must flush each reply without waiting for more input: every
  // call() above already relies on it; here, with stdin held open and idle.
  KafkaSession node;
  node.init();
  node.send("k1", 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  node.send("k1", 2);
  node.expect_clean_exit();
}

TEST(Framing, ImmediateEndOfInputExitsZeroSilently) {
  NodeProcess process(EDDY_NODE_BIN, {}, KafkaSession::hermetic({}));
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.ok()) << exit.describe() << "\n" << process.stderr_text();
  EXPECT_EQ(process.unread_stdout(), "");
}

// --- Command line ---

TEST(CommandLine, HelpExitsZeroAndDescribesStrategy) {
  NodeProcess process(EDDY_NODE_BIN, {"--help"}, KafkaSession::hermetic({}));
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.ok()) << exit.describe();
  const std::string help = process.unread_stdout() + process.stderr_text();
  EXPECT_NE(help.find("--strategy"), std::string::npos) << help;
  EXPECT_NE(help.find("single"), std::string::npos) << "--help lists the strategies:\n" << help;
  EXPECT_NE(help.find("--line-bytes-max"), std::string::npos) << help;
}

TEST(CommandLine, UnknownStrategyExitsTwo) {
  NodeProcess process(EDDY_NODE_BIN, {"--strategy", "bogus"}, KafkaSession::hermetic({}));
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.exited) << exit.describe();
  EXPECT_EQ(exit.code, 2) << exit.describe();
  EXPECT_NE(process.stderr_text().find("unknown strategy 'bogus'"), std::string::npos)
      << process.stderr_text();
  EXPECT_NE(process.stderr_text().find("single"), std::string::npos)
      << "the message names the known strategies: " << process.stderr_text();
  EXPECT_EQ(process.unread_stdout(), "") << "stdout is for protocol messages only";
}

TEST(CommandLine, UnknownStrategyExitsEvenWithInputWaiting) {
  // It must not start serving: the init line stays unanswered.
  NodeProcess process(EDDY_NODE_BIN, {"--strategy=nope"}, KafkaSession::hermetic({}));
  process.write_line(
      R"({"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}})");
  const NodeProcess::Exit exit = process.finish();
  EXPECT_EQ(exit.code, 2) << exit.describe();
  EXPECT_EQ(process.unread_stdout(), "");
}

TEST(CommandLine, ExplicitSingleStrategyServes) {
  KafkaSession node({"--strategy", "single"});
  node.init();
  node.send("k1", 1);
  node.expect_clean_exit();
}

TEST(CommandLine, StrategyFromEnvironment) {
  // Maelstrom passes its environment on: EDDY_STRATEGY picks the strategy.
  {
    NodeProcess process(EDDY_NODE_BIN, {}, {{"EDDY_STRATEGY", "bogus"}});
    const NodeProcess::Exit exit = process.finish();
    EXPECT_EQ(exit.code, 2) << exit.describe();
    EXPECT_NE(process.stderr_text().find("unknown strategy 'bogus'"), std::string::npos)
        << process.stderr_text();
  }
  {
    KafkaSession node({}, "n0", "c1", {{"EDDY_STRATEGY", "single"}});
    node.init();
    node.send("k1", 1);
    node.expect_clean_exit();
  }
  {
    // The command line wins over the environment.
    KafkaSession node({"--strategy", "single"}, "n0", "c1", {{"EDDY_STRATEGY", "bogus"}});
    node.init();
    node.send("k1", 1);
    node.expect_clean_exit();
  }
}

TEST(CommandLine, HeldLimitBelowLineLimitExitsTwo) {
  NodeProcess process(EDDY_NODE_BIN, {"--line-bytes-max", "8192", "--held-line-bytes-max", "4096"},
                      KafkaSession::hermetic({}));
  const NodeProcess::Exit exit = process.finish();
  EXPECT_EQ(exit.code, 2) << exit.describe();
  EXPECT_NE(process.stderr_text().find("--held-line-bytes-max"), std::string::npos)
      << process.stderr_text();
}

TEST(CommandLine, OutOfRangeLimitIsRefused) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--line-bytes-max", "10"},
        std::vector<std::string>{"--json-depth-max", "1000000"},
        std::vector<std::string>{"--request-keys-max", "0"},
        std::vector<std::string>{"--no-such-flag"}}) {
    NodeProcess process(EDDY_NODE_BIN, args, KafkaSession::hermetic({}));
    const NodeProcess::Exit exit = process.finish();
    EXPECT_TRUE(exit.exited) << args[0] << ": " << exit.describe();
    EXPECT_NE(exit.code, 0) << args[0];
    EXPECT_FALSE(process.stderr_text().empty()) << args[0];
    EXPECT_EQ(process.unread_stdout(), "") << args[0] << ": stdout is for protocol messages only";
  }
}

TEST(CommandLine, RaftFlagsAreCheckedThenTuneTheRaft) {
  // (Out of range: CLI11's own exit status; refused after parsing: 2.)
  const auto refused = [](const std::vector<std::string>& args, const std::string& why) {
    NodeProcess process(EDDY_NODE_BIN, args, KafkaSession::hermetic({}));
    const NodeProcess::Exit exit = process.finish();
    EXPECT_TRUE(exit.exited && exit.code != 0) << args.back() << ": " << exit.describe();
    EXPECT_NE(process.stderr_text().find(why), std::string::npos) << process.stderr_text();
    EXPECT_EQ(process.unread_stdout(), "");
  };
  refused({"--strategy", "gossip", "--raft-heartbeat-ms", "10"}, "for --strategy raft, not gossip");
  refused({"--strategy", "raft", "--raft-heartbeat-ms", "300"}, "at most half");
  refused({"--strategy", "raft", "--raft-max-entries-per-append", "0"},
          "--raft-max-entries-per-append");
  refused({"--strategy", "raft", "--raft-election-timeout-ms", "5"}, "--raft-election-timeout-ms");
  // A tuned single-node raft elects itself at once and serves.
  KafkaSession node({"--strategy", "raft", "--raft-election-timeout-ms", "20",
                     "--raft-heartbeat-ms", "5", "--raft-max-entries-per-append", "1",
                     "--raft-compact-after", "2"});
  node.init();
  for (int i = 1; i <= 5; ++i) node.send("k1", i);
  node.expect_clean_exit();
}

TEST(CommandLine, QuietHidesInfoButKeepsWarnings) {
  KafkaSession node({"--quiet"});
  node.init();
  node.write_line("not json");
  node.send("k1", 1);
  const std::string log = node.expect_clean_exit();
  EXPECT_EQ(log.find("[info]"), std::string::npos) << log;
  EXPECT_NE(log.find("[warn] rejected a message"), std::string::npos) << log;
}

}  // namespace
}  // namespace eddy::testing
