// ChildProcess (sim/process/child_process.h), the child side of eddy-sim's
// process mode, on small shell scripts: lines in and out, bounded output,
// exits, kills, and no orphan left behind, even when the runner is killed.
#include "sim/process/child_process.h"

#include "tests/process/process_gone.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace eddy::sim {
namespace {

using eddy::testing::process_gone;

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::unique_ptr<ChildProcess> shell(const std::string& script, ChildProcess::Limits limits = {}) {
  auto child = ChildProcess::spawn("/bin/sh", {"-c", script}, limits);
  EXPECT_TRUE(child.ok()) << (child.ok() ? "" : child.error());
  return child.ok() ? std::move(child).value() : nullptr;
}

// Polls and reads the child until `done` says so (true) or 5 s pass (false).
bool pump_until(ChildProcess& child, ChildProcess::Output& all, const std::function<bool()>& done) {
  const auto until = Clock::now() + 5s;
  while (!done()) {
    if (Clock::now() >= until) return false;
    std::vector<pollfd> fds{{child.stdout_fd(), POLLIN, 0}, {child.stderr_fd(), POLLIN, 0}};
    if (child.wants_to_write()) fds.push_back({child.stdin_fd(), POLLOUT, 0});
    ::poll(fds.data(), fds.size(), 10);
    child.flush();
    ChildProcess::Output out = child.read_available();
    all.lines.insert(all.lines.end(), out.lines.begin(), out.lines.end());
    all.overlong_lines.insert(all.overlong_lines.end(), out.overlong_lines.begin(),
                              out.overlong_lines.end());
    all.stdout_closed = all.stdout_closed || out.stdout_closed;
  }
  return true;
}

TEST(ChildProcess, ResolveFindsBinariesOnPathAndExplainsTheRest) {
  const auto sh = ChildProcess::resolve("sh");
  ASSERT_TRUE(sh.ok()) << sh.error();
  EXPECT_TRUE(sh.value().ends_with("/sh")) << sh.value();
  EXPECT_TRUE(ChildProcess::resolve("/bin/sh").ok());

  const auto missing = ChildProcess::resolve("/no/such/node-binary");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("No such file"), std::string::npos) << missing.error();
  const auto not_on_path = ChildProcess::resolve("eddy-no-such-node-binary");
  ASSERT_FALSE(not_on_path.ok());
  EXPECT_NE(not_on_path.error().find("not found on PATH"), std::string::npos);
  const auto directory = ChildProcess::resolve("/tmp");
  ASSERT_FALSE(directory.ok());
  EXPECT_NE(directory.error().find("is a directory"), std::string::npos);

  const std::string plain = ::testing::TempDir() + "/eddy-not-executable";
  std::ofstream(plain) << "#!/bin/sh\n";
  ::chmod(plain.c_str(), 0644);
  const auto not_executable = ChildProcess::resolve(plain);
  ASSERT_FALSE(not_executable.ok());
  EXPECT_NE(not_executable.error().find("is not executable"), std::string::npos);
  EXPECT_FALSE(ChildProcess::spawn(plain, {}, {}).ok()) << "exec fails and says so";
}

TEST(ChildProcess, LinesGoBothWaysAndTheExitIsReported) {
  auto child = shell("read x; echo \"got:$x\"; echo oops >&2; printf 'last'; exit 3");
  ASSERT_TRUE(child);
  ASSERT_TRUE(child->write("hello\n"));
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return out.stdout_closed; }));
  EXPECT_EQ(out.lines, (std::vector<std::string>{"got:hello", "last"}));
  std::optional<ChildProcess::Exit> exit;
  ASSERT_TRUE(pump_until(*child, out, [&] { return (exit = child->poll_exit()).has_value(); }));
  EXPECT_TRUE(exit->exited);
  EXPECT_EQ(exit->code, 3);
  ASSERT_TRUE(pump_until(*child, out, [&] { return child->stderr_fd() < 0; }));
  EXPECT_EQ(child->stderr_text(), "oops\n");
}

TEST(ChildProcess, AnOverlongLineIsDroppedAndCountedNotHeld) {
  ChildProcess::Limits limits;
  limits.line_bytes_max = 1000;
  auto child = shell("head -c 300000 /dev/zero | tr '\\0' a; echo; echo ok", limits);
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return out.stdout_closed; }));
  EXPECT_EQ(out.overlong_lines, (std::vector<size_t>{300000}));
  EXPECT_EQ(out.lines, (std::vector<std::string>{"ok"}));
}

TEST(ChildProcess, StderrIsKeptUpToItsBoundThenCounted) {
  ChildProcess::Limits limits;
  limits.stderr_bytes_max = 4096;
  auto child = shell("head -c 2000000 /dev/zero >&2", limits);
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return child->stderr_fd() < 0; }));
  EXPECT_EQ(child->stderr_text().size(), 4096u);
  EXPECT_EQ(child->stderr_dropped_bytes(), 2000000 - 4096);
}

TEST(ChildProcess, AChildThatNeverReadsCannotMakeUsHoldMoreThanTheBacklogBound) {
  ChildProcess::Limits limits;
  limits.stdin_backlog_bytes_max = 256 * 1024;
  auto child = shell("sleep 30", limits);
  ASSERT_TRUE(child);
  const std::string chunk(16 * 1024, 'x');
  int accepted = 0;
  while (child->write(chunk) && accepted < 1000) ++accepted;
  // The pipe takes about 64 KiB, the backlog 256 KiB more; then writes fail.
  EXPECT_LT(accepted, 1000);
  EXPECT_GE(accepted * chunk.size(), limits.stdin_backlog_bytes_max);
}

TEST(ChildProcess, KillEndsTheChildAndWhatItSpawned) {
  auto child = shell("sleep 100 & echo $!; wait");
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return !out.lines.empty(); }));
  const pid_t grandchild = std::stoi(out.lines.front());
  const ChildProcess::Exit exit = child->kill();
  EXPECT_FALSE(exit.exited);
  EXPECT_EQ(exit.signal, SIGKILL);
  EXPECT_TRUE(process_gone(grandchild)) << "the child's own child outlived it";
}

TEST(ChildProcess, AChildThatExitsTakesWhatItSpawnedWithIt) {
  auto child = shell("sleep 100 & echo $!");
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return !out.lines.empty(); }));
  const pid_t grandchild = std::stoi(out.lines.front());
  ASSERT_TRUE(pump_until(*child, out, [&] { return child->poll_exit().has_value(); }));
  EXPECT_TRUE(process_gone(grandchild));
}

// `setsid -f` forks a daemon in a session (and process group) of its own,
// whose parent exits at once: out of reach of any group kill.
TEST(ChildProcess, KillEndsADaemonThatLeftTheNodesProcessGroup) {
  auto child = shell("setsid -f sh -c 'echo $$; exec sleep 100'; wait; sleep 100");
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return !out.lines.empty(); }));
  const pid_t daemon = std::stoi(out.lines.front());
  ASSERT_NE(::getpgid(daemon), ::getpgid(child->pid())) << "the daemon did not leave the group";
  child->kill();
  EXPECT_TRUE(process_gone(daemon)) << "a daemon of the node outlived kill()";
}

TEST(ChildProcess, ANodeThatExitsTakesItsDaemonWithIt) {
  // The node waits a little, so that the daemon speaks before the sweep.
  auto child = shell("setsid -f sh -c 'echo $$; exec sleep 100'; sleep 0.3");
  ASSERT_TRUE(child);
  ChildProcess::Output out;
  ASSERT_TRUE(pump_until(*child, out, [&] { return !out.lines.empty(); }));
  const pid_t daemon = std::stoi(out.lines.front());
  ASSERT_TRUE(pump_until(*child, out, [&] { return child->poll_exit().has_value(); }));
  EXPECT_TRUE(process_gone(daemon)) << "a daemon of the node outlived it";
}

TEST(ChildProcess, NoChildOutlivesARunnerKilledBySigkill) {
  const std::string pid_file = ::testing::TempDir() + "/eddy-child-process-pids";
  std::remove(pid_file.c_str());
  std::remove((pid_file + ".daemon").c_str());
  const pid_t runner = ::fork();
  ASSERT_GE(runner, 0);
  if (runner == 0) {
    // The runner: starts a node that starts a child of its own, and waits, as
    // eddy-sim would, until it is killed.
    auto child =
        ChildProcess::spawn("/bin/sh",
                            {"-c", "sleep 100 & setsid -f sh -c 'echo $$ > " + pid_file +
                                       ".daemon; exec sleep 100'; sleep 0.2; echo $$ $! $(cat " +
                                       pid_file + ".daemon) > " + pid_file + ".tmp; mv " +
                                       pid_file + ".tmp " + pid_file + "; wait"},
                            {});
    ::pause();
    ::_exit(child.ok() ? 0 : 1);
  }
  std::vector<pid_t> pids;
  const auto until = Clock::now() + 5s;
  while (pids.size() < 3 && Clock::now() < until) {
    std::ifstream in(pid_file);
    pids.clear();
    for (pid_t pid = 0; in >> pid;) pids.push_back(pid);
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(pids.size(), 3u) << "the node did not start";
  ::kill(runner, SIGKILL);
  int status = 0;
  ::waitpid(runner, &status, 0);
  EXPECT_TRUE(process_gone(pids[0])) << "the node outlived its runner";
  EXPECT_TRUE(process_gone(pids[1])) << "the node's own child outlived the runner";
  EXPECT_TRUE(process_gone(pids[2])) << "the node's daemon (setsid) outlived the runner";
}

}  // namespace
}  // namespace eddy::sim
