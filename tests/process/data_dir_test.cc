// eddy-node --data-dir, on the real binary: the raft strategy's persist
// effects reach DIR/eddy.persist and a restarted process serves what the
// first one acknowledged; a strategy that persists nothing leaves the header
// alone; a torn tail is cut off and logged; a damaged middle, a record that
// does not follow, a path that is not a directory and a directory in use are
// refused with exit status 2 and a message that says why.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "kafka_session.h"
#include "node_main/persist_file.h"

namespace eddy::testing {
namespace {

using node_main::encode_persist_record;
using node_main::persist_file_header;

class DataDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/eddy-data-dir-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string file() const { return dir_ + "/eddy.persist"; }
  std::string read_file() const {
    std::ifstream in(file(), std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void write_file(const std::string& bytes) const {
    std::ofstream(file(), std::ios::binary | std::ios::trunc) << bytes;
  }
  std::vector<std::string> args(const std::string& strategy) const {
    return {"--strategy", strategy, "--data-dir", dir_};
  }

  // Three entries, framed as eddy-node writes them.
  static std::vector<std::string> three_records() {
    std::vector<std::string> records;
    for (int64_t index = 1; index <= 3; ++index) {
      core::PersistEffect effect;
      effect.hard_state = core::HardState{1, "n0"};
      effect.entries.push_back(core::PersistedEntry{index, 1, core::Value(index * 10)});
      records.push_back(encode_persist_record(effect));
    }
    return records;
  }

  std::string dir_;
};

// A node started on a file it cannot use says why and exits with 2.
void expect_refused(NodeProcess& process, const std::string& why) {
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.exited) << exit.describe();
  EXPECT_EQ(exit.code, 2) << exit.describe() << "\n" << process.stderr_text();
  EXPECT_NE(process.stderr_text().find("--data-dir"), std::string::npos) << process.stderr_text();
  EXPECT_NE(process.stderr_text().find(why), std::string::npos) << process.stderr_text();
}

// lin-kv: a request until it is answered with `reply_type` (a single Raft
// node first elects itself, refusing requests meanwhile); the reply body.
json call_until(KafkaSession& node, const json& body, const std::string& reply_type) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const json reply = node.read_reply(node.send_request(body), Ms(5'000));
    if (reply.is_null()) return reply;
    if (reply.value("type", json()) == json(reply_type)) return reply;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "no " << reply_type << " within 10 s";
  return nullptr;
}

TEST_F(DataDir, RaftsStateSurvivesARestartOfTheProcess) {
  {
    KafkaSession node(args("raft"));
    node.init();
    call_until(node, json{{"type", "write"}, {"key", 1}, {"value", 42}}, "write_ok");
    node.expect_clean_exit();
  }
  auto scan = node_main::scan_persist_file(read_file());
  ASSERT_TRUE(scan) << scan.error();
  EXPECT_GT(scan.value().records, 0);
  EXPECT_GE(scan.value().persisted.hard_state.term, 1);
  EXPECT_EQ(scan.value().torn_bytes, 0u);
  bool written = false;
  for (const core::PersistedEntry& entry : scan.value().persisted.entries) {
    written = written || entry.command.to_json_text().find("42") != std::string::npos;
  }
  EXPECT_TRUE(written) << "no entry holds the write";
  {
    KafkaSession node(args("raft"));
    node.init();
    const json read = call_until(node, json{{"type", "read"}, {"key", 1}}, "read_ok");
    EXPECT_EQ(read.value("value", json()), json(42)) << read;
    node.expect_clean_exit();
  }
}

TEST_F(DataDir, AStrategyThatPersistsNothingLeavesTheHeaderAlone) {
  const std::string nested = dir_ + "/nested/n0";
  KafkaSession node({"--strategy", "single", "--data-dir", nested});
  node.init();
  node.send("k1", 1);
  node.expect_clean_exit();
  std::ifstream in(nested + "/eddy.persist", std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_EQ(bytes, persist_file_header());
}

TEST_F(DataDir, ATornTailIsCutOffAndLogged) {
  const std::vector<std::string> records = three_records();
  const std::string good = persist_file_header() + records[0] + records[1];
  write_file(good + records[2].substr(0, 5));
  KafkaSession node(args("single"));
  node.init();
  const std::string log = node.expect_clean_exit();
  EXPECT_NE(log.find("dropped a torn tail of 5 bytes at byte " + std::to_string(good.size())),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("kept 2 records"), std::string::npos) << log;
  EXPECT_EQ(read_file(), good);
}

TEST_F(DataDir, ACorruptMiddleRecordIsRefused) {
  const std::vector<std::string> records = three_records();
  std::string bytes = persist_file_header() + records[0] + records[1] + records[2];
  bytes[persist_file_header().size() + records[0].size() + 12] ^= 0x20;
  write_file(bytes);
  NodeProcess process(EDDY_NODE_BIN, args("single"), KafkaSession::hermetic({}));
  expect_refused(process, "corrupt in the middle");
  EXPECT_EQ(read_file(), bytes);  // left as it was, for a human to look at
}

TEST_F(DataDir, ARecordThatDoesNotFollowIsRefused) {
  const std::vector<std::string> records = three_records();
  write_file(persist_file_header() + records[0] + records[2]);  // a gap at index 2
  NodeProcess process(EDDY_NODE_BIN, args("single"), KafkaSession::hermetic({}));
  expect_refused(process, "does not follow");
}

TEST_F(DataDir, APathThatIsNotADirectoryIsRefused) {
  const std::string plain = dir_ + "/plain";
  std::ofstream(plain) << "x";
  NodeProcess process(EDDY_NODE_BIN, {"--data-dir", plain}, KafkaSession::hermetic({}));
  expect_refused(process, "not a directory");
}

TEST_F(DataDir, AForeignFileIsRefused) {
  write_file("not written by eddy-node");
  NodeProcess process(EDDY_NODE_BIN, args("single"), KafkaSession::hermetic({}));
  expect_refused(process, "bad magic");
}

TEST_F(DataDir, TwoNodesCannotShareADirectory) {
  KafkaSession first(args("single"));
  first.init();  // the first holds the file's lock from now on
  NodeProcess second(EDDY_NODE_BIN, args("single"), KafkaSession::hermetic({}));
  expect_refused(second, "in use by another process");
  first.expect_clean_exit();
}

}  // namespace
}  // namespace eddy::testing
