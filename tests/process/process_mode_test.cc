// eddy-sim's process mode (`eddy-sim test --bin PATH [-- ARGS]`, issue 10) on
// real binaries: eddy-node with its strategies (valid), eddy-broken-node's
// variants (invalid, with the expected anomaly), and misbehaving nodes
// written for the purpose (tests/process/nodes/*.sh: exits at start, never
// answers init, prints garbage, floods its output, hangs on exit). And that
// no node outlives eddy-sim, whether the run ends, is interrupted or eddy-sim
// is killed.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "node_process.h"
#include "process_gone.h"

namespace eddy::testing {
namespace {

namespace fs = std::filesystem;
using Ms = std::chrono::milliseconds;

struct SimRun {
  NodeProcess::Exit exit;
  std::string out;  // the report (stdout)
  std::string err;
  fs::path folder;
};

std::string node_script(const std::string& name) {
  return std::string(EDDY_TEST_NODES_DIR) + "/" + name + ".sh";
}

fs::path fresh_folder(const std::string& name) {
  const fs::path folder = fs::path(::testing::TempDir()) / ("eddy-process-mode-" + name);
  fs::remove_all(folder);
  return folder;
}

// Runs `eddy-sim test <args> --out <folder>` and collects what it wrote.
SimRun run_sim(const std::string& name, std::vector<std::string> args, Ms lifetime = Ms(60'000)) {
  SimRun run;
  run.folder = fresh_folder(name);
  std::vector<std::string> full{"test", "--out", run.folder.string()};
  full.insert(full.end(), args.begin(), args.end());
  NodeProcess sim(EDDY_SIM_BIN, full, {}, lifetime);
  while (auto line = sim.read_line(lifetime)) run.out += *line + "\n";
  run.exit = sim.finish(Ms(5'000));
  run.err = sim.stderr_text();
  return run;
}

// A short kafka run in process mode (final phase and recovery cut short).
std::vector<std::string> kafka_args(std::vector<std::string> extra) {
  std::vector<std::string> args{"-w",         "kafka", "--time-limit",       "2", "--rate", "200",
                                "--recovery", "0.5",   "--final-time-limit", "2"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::vector<pid_t> read_pids(const fs::path& file) {
  std::vector<pid_t> pids;
  std::ifstream in(file);
  for (pid_t pid = 0; in >> pid;) pids.push_back(pid);
  return pids;
}

TEST(ProcessMode, EddyNodeIsValidWithItsReportRunFolderAndNodeLogs) {
  const SimRun run = run_sim("single", kafka_args({"--bin", EDDY_NODE_BIN, "--node-count", "1",
                                                   "--", "--strategy", "single"}));
  EXPECT_EQ(run.exit.code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("(process mode)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Everything looks good!"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("replay: eddy-sim test -w kafka --bin " + std::string(EDDY_NODE_BIN)),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("-- --strategy single"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("runner lateness (events handled after their due time): p50 < "),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.err.find("process mode: the runner used"), std::string::npos) << run.err;
  for (const char* file : {"history.jsonl", "report.txt", "results.json", "nodes/n0.log"}) {
    EXPECT_TRUE(fs::exists(run.folder / file)) << file;
  }
  // The node's stderr is its log.
  std::ifstream log(run.folder / "nodes/n0.log");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("n0"), std::string::npos) << text;
}

TEST(ProcessMode, RaftUnderPartitionsIsLinearizableThroughTheSimulatorsNetwork) {
  const SimRun run =
      run_sim("raft", {"-w", "lin-kv", "--bin", EDDY_NODE_BIN, "--node-count", "3", "--time-limit",
                       "4", "--rate", "100", "--latency", "10", "--nemesis", "partition",
                       "--nemesis-interval", "1", "--", "--strategy", "raft"});
  EXPECT_EQ(run.exit.code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("verdict: valid (linearizable)"), std::string::npos) << run.out;
  std::ifstream history(run.folder / "history.jsonl");
  const std::string text((std::istreambuf_iterator<char>(history)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("start-partition"), std::string::npos) << "the nemesis cut the network";
}

// The crash nemesis kills processes and starts them again with a fresh
// init; "{node}" in the arguments gives each node a directory of its own.
TEST(ProcessMode, CrashedProcessesRestartFromTheirOwnDataDirs) {
  const fs::path data = fresh_folder("data-dirs");
  const SimRun run = run_sim("crash", {"-w",
                                       "lin-kv",
                                       "--bin",
                                       EDDY_NODE_BIN,
                                       "--node-count",
                                       "3",
                                       "--time-limit",
                                       "4",
                                       "--rate",
                                       "100",
                                       "--latency",
                                       "5",
                                       "--nemesis",
                                       "crash",
                                       "--nemesis-interval",
                                       "1",
                                       "--",
                                       "--strategy",
                                       "raft",
                                       "--data-dir",
                                       (data / "{node}").string()});
  EXPECT_EQ(run.exit.code, 0) << run.out << run.err;
  EXPECT_NE(run.out.find("verdict: valid (linearizable)"), std::string::npos) << run.out;
  for (const char* node : {"n0", "n1", "n2"}) {
    EXPECT_TRUE(fs::exists(data / node / "eddy.persist")) << node;
  }
  std::ifstream history(run.folder / "history.jsonl");
  const std::string text((std::istreambuf_iterator<char>(history)),
                         std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("stop-crash (restart"), std::string::npos);
}

TEST(ProcessMode, GossipBetweenTwoProcessesIsValid) {
  const SimRun run =
      run_sim("gossip", kafka_args({"--bin", EDDY_NODE_BIN, "--node-count", "2", "--latency", "5",
                                    "--", "--strategy", "gossip"}));
  EXPECT_EQ(run.exit.code, 0) << run.out << run.err;
  // Node-to-node messages went through the simulated network.
  EXPECT_EQ(run.out.find("servers: sent 0,"), std::string::npos) << run.out;
}

TEST(ProcessMode, ABrokenNodeIsCaughtWithTheAnomalyItsFlawCauses) {
  const SimRun lost =
      run_sim("lose-write", kafka_args({"--bin", EDDY_BROKEN_NODE_BIN, "--node-count", "1", "--",
                                        "--strategy", "broken:lose-write"}));
  EXPECT_EQ(lost.exit.code, 1) << lost.out << lost.err;
  EXPECT_NE(lost.out.find("lost-write"), std::string::npos) << lost.out;

  const SimRun stale = run_sim("stale-cache", {"-w", "lin-kv", "--bin", EDDY_BROKEN_NODE_BIN,
                                               "--node-count", "3", "--time-limit", "5", "--rate",
                                               "200", "--", "--strategy", "broken:kv-stale-cache"});
  EXPECT_EQ(stale.exit.code, 1) << stale.out << stale.err;
  EXPECT_NE(stale.out.find("not linearizable"), std::string::npos) << stale.out;
}

TEST(ProcessMode, ANodeThatExitsAtStartEndsTheRunAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  const SimRun run = run_sim("exits", kafka_args({"--bin", node_script("exits_at_start")}));
  EXPECT_EQ(run.exit.code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("n0 exited with status 3"), std::string::npos) << run.out;
  EXPECT_LT(std::chrono::steady_clock::now() - start, Ms(5'000));
}

TEST(ProcessMode, ANodeThatNeverAnswersInitAbortsAfterMaelstromsTenSeconds) {
  const SimRun run = run_sim("no-init", kafka_args({"--bin", node_script("never_inits")}));
  EXPECT_EQ(run.exit.code, 2) << run.out << run.err;
  EXPECT_NE(run.out.find("did not answer init within 10 s"), std::string::npos) << run.out;
}

TEST(ProcessMode, GarbageLinesAreProblemsWithTheNodeAndTheLine) {
  const SimRun run = run_sim("garbage", kafka_args({"--bin", node_script("prints_garbage")}));
  EXPECT_EQ(run.exit.code, 1) << run.out << run.err;
  for (const char* problem :
       {"n0 wrote a line that is not JSON: this is not JSON",
        "n0 wrote a line that is not a JSON object: [1, 2, 3]",
        "without string src and dest and an object body", "from src \"n99\", not from itself",
        "sent to \"nobody\", no node, client or service", "(in_reply_to 1)", "(in_reply_to 777)",
        "cannot read: missing field 'offset'"}) {
    EXPECT_NE(run.out.find(problem), std::string::npos) << problem << "\n" << run.out;
  }
}

TEST(ProcessMode, AFloodingNodeIsBoundedAndReported) {
  const SimRun run = run_sim("flood", kafka_args({"--bin", node_script("floods")}));
  EXPECT_EQ(run.exit.code, 1) << run.out << run.err;
  EXPECT_NE(run.out.find("wrote a line of 50000000 bytes, over the 1048576-byte limit"),
            std::string::npos)
      << run.out;
  // stderr kept up to its bound (16 MiB), the rest counted.
  EXPECT_LE(fs::file_size(run.folder / "nodes/n0.log"), (16u << 20) + 4096);
}

// Two nodes that send each other valid messages as fast as they can: the
// runner stops reading their stdout while the network is full (65,536
// messages in flight), so what it holds stays bounded, and the run ends on
// time. (Counted in messages: a sanitizer's heap makes resident memory no
// measure; in release the runner peaks at 43 MiB here, 351 without it.)
// Every message stays in flight for the whole run (10 s of latency, a run of
// about 8 s), so that even a runner slowed by a sanitizer and a loaded
// machine reads enough to reach the bound: with 2 s and 3 s of latency, a CI
// run under ASan, beside another test, peaked at 41,072.
TEST(ProcessMode, AFloodOfValidMessagesMeetsBackpressure) {
  std::vector<std::string> args =
      kafka_args({"--bin", node_script("floods_peers"), "--node-count", "2", "--latency", "10000"});
  ASSERT_EQ(args[2], "--time-limit");
  args[3] = "6";
  const SimRun run = run_sim("flood-peers", args);
  EXPECT_TRUE(run.exit.exited) << run.exit.describe();
  const size_t at = run.out.find(" messages in flight");
  ASSERT_NE(at, std::string::npos) << run.out;
  const size_t number_at = run.out.rfind(' ', at - 1) + 1;
  const long in_flight = std::stol(run.out.substr(number_at, at - number_at));
  // The bound, plus what one round of reads (1 MiB a node) can add.
  EXPECT_GT(in_flight, 60'000) << "the nodes did not flood";
  EXPECT_LT(in_flight, 65'536 + 2 * 25'000) << run.out;
  EXPECT_NE(run.err.find("MiB of memory at most"), std::string::npos) << run.err;
}

TEST(ProcessMode, ANodeThatHangsOnExitIsKilledAndTheRunEnds) {
  const auto start = std::chrono::steady_clock::now();
  const SimRun run = run_sim("hangs", kafka_args({"--bin", node_script("hangs_on_exit")}));
  EXPECT_TRUE(run.exit.exited) << run.exit.describe();
  EXPECT_LT(std::chrono::steady_clock::now() - start, Ms(20'000));
}

TEST(ProcessMode, AMissingOrUnrunnableBinaryIsAUsageError) {
  const std::string plain = ::testing::TempDir() + "/eddy-process-mode-not-executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  fs::permissions(plain, fs::perms::owner_read | fs::perms::owner_write);
  for (const auto& [bin, why] : std::vector<std::pair<std::string, std::string>>{
           {"/no/such/node", "No such file"},
           {"eddy-no-such-node-binary", "not found on PATH"},
           {plain, "is not executable"},
           {"/tmp", "is a directory"}}) {
    const SimRun run = run_sim("usage", kafka_args({"--bin", bin}));
    EXPECT_EQ(run.exit.code, 2) << bin;
    EXPECT_NE(run.err.find(why), std::string::npos) << bin << ": " << run.err;
  }
}

TEST(ProcessMode, NoNodeOutlivesTheRunAnInterruptOrAKilledRunner) {
  const fs::path pids = fresh_folder("pids-file");
  fs::create_directories(pids);
  const auto node_pids_after = [&](const std::string& name, int signal) {
    const fs::path file = pids / name;
    NodeProcess sim(
        EDDY_SIM_BIN,
        {"test", "-w", "kafka", "--out", fresh_folder(name).string(), "--node-count", "2",
         "--time-limit", signal == 0 ? "1" : "60", "--recovery", "0", "--final-time-limit", "1",
         "--bin", node_script("records_pid"), "--", file.string()},
        {}, Ms(60'000));
    if (signal != 0) {
      // Both nodes, and each one's child, are up.
      const auto until = std::chrono::steady_clock::now() + Ms(10'000);
      while (read_pids(file).size() < 4 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(Ms(20));
      }
      ::kill(sim.pid(), signal);
    }
    const NodeProcess::Exit exit = sim.finish(Ms(20'000));
    EXPECT_FALSE(exit.timed_out) << name;
    if (signal == SIGINT) {
      EXPECT_EQ(exit.code, 2) << name << ": " << sim.unread_stdout();
    }
    return read_pids(file);
  };
  for (const auto& [name, signal] : std::vector<std::pair<std::string, int>>{
           {"ends", 0}, {"sigint", SIGINT}, {"sigkill", SIGKILL}}) {
    const std::vector<pid_t> nodes = node_pids_after(name, signal);
    EXPECT_EQ(nodes.size(), 4u) << name;
    for (const pid_t pid : nodes) EXPECT_TRUE(process_gone(pid)) << name << ": " << pid;
  }
}

}  // namespace
}  // namespace eddy::testing
