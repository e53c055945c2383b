// NodeProcess: runs a node binary as a child process for process tests.
//
//   NodeProcess node(EDDY_NODE_BIN, {"--strategy", "single"});
//   node.write_line(R"({"src":"c1","dest":"n0","body":{...}})");
//   std::optional<std::string> reply = node.read_line(2s);
//   NodeProcess::Exit exit = node.finish();   // closes stdin, waits, drains
//
// stdin, stdout and stderr are pipes. Every operation is bounded: writes and
// reads take a timeout, and all I/O goes through one poll() loop that keeps
// draining stdout and stderr while it writes, so a child that is busy logging
// cannot deadlock a test that is writing a large line. The child is killed
// (SIGKILL) if it outlives its overall deadline or the NodeProcess object.
// Header-only: the process tests' CMake target globs only *_test.cc files.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern char** environ;

namespace eddy::testing {

class NodeProcess {
 public:
  using Clock = std::chrono::steady_clock;
  using Ms = std::chrono::milliseconds;

  struct Exit {
    bool exited = false;     // exited normally (WIFEXITED)
    int code = -1;           // exit status when exited
    int signal = 0;          // terminating signal, if any
    bool timed_out = false;  // we had to kill it
    bool ok() const { return exited && code == 0 && !timed_out; }
    std::string describe() const {
      if (timed_out) return "killed after its deadline";
      if (exited) return "exited with code " + std::to_string(code);
      return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
    }
  };

  // Changes to the inherited environment: {"NAME", "value"} sets NAME,
  // {"NAME", std::nullopt} removes it.
  using EnvChanges = std::vector<std::pair<std::string, std::optional<std::string>>>;

  // Starts `binary args...` with this process's environment, changed by `env`.
  // `lifetime` bounds the whole run: past it, every operation gives up and the
  // child is killed.
  explicit NodeProcess(const std::string& binary, std::vector<std::string> args = {},
                       const EnvChanges& env = {}, Ms lifetime = Ms(20'000))
      : deadline_(Clock::now() + lifetime) {
    // Writing to a child that has exited must be an error, not our death.
    ::signal(SIGPIPE, SIG_IGN);
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    // The child starts with default signal dispositions (we ignore SIGPIPE).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

    std::vector<std::string> argv_strings;
    argv_strings.push_back(binary);
    for (auto& arg : args) argv_strings.push_back(std::move(arg));
    std::vector<char*> argv;
    for (auto& arg : argv_strings) argv.push_back(arg.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_strings;
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string_view text(*entry);
      bool changed = false;
      for (const auto& [name, value] : env) {
        changed = changed ||
                  (text.starts_with(name) && text.size() > name.size() && text[name.size()] == '=');
      }
      if (!changed) env_strings.emplace_back(text);
    }
    for (const auto& [name, value] : env) {
      if (value) env_strings.push_back(name + "=" + *value);
    }
    std::vector<char*> envp;
    for (auto& entry : env_strings) envp.push_back(entry.data());
    envp.push_back(nullptr);

    const int rc = ::posix_spawn(&pid_, binary.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
    if (rc != 0) {
      pid_ = -1;
      close_all();
      throw std::runtime_error("posix_spawn " + binary + ": " + std::strerror(rc));
    }
    ::fcntl(stdin_, F_SETFL, ::fcntl(stdin_, F_GETFL) | O_NONBLOCK);
  }

  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  ~NodeProcess() {
    if (pid_ > 0 && !exit_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    close_all();
  }

  // Queues raw bytes for the child's stdin and pumps until they are all
  // written (or the timeout passes). Returns false if not everything went.
  bool write(std::string_view bytes, Ms timeout = Ms(5'000)) {
    if (stdin_ < 0) return false;
    pending_in_.append(bytes);
    const auto until = bound(timeout);
    while (in_written_ < pending_in_.size()) {
      if (!pump(until)) break;
    }
    const bool all = in_written_ == pending_in_.size();
    pending_in_.erase(0, in_written_);
    in_written_ = 0;
    return all;
  }
  bool write_line(std::string_view line, Ms timeout = Ms(5'000)) {
    std::string text(line);
    text.push_back('\n');
    return write(text, timeout);
  }

  // The next line the child wrote on stdout (without '\n'), or nullopt if none
  // came within the timeout (or stdout closed first).
  std::optional<std::string> read_line(Ms timeout = Ms(2'000)) {
    const auto until = bound(timeout);
    while (true) {
      if (const size_t newline = stdout_buf_.find('\n'); newline != std::string::npos) {
        std::string line = stdout_buf_.substr(0, newline);
        stdout_buf_.erase(0, newline + 1);
        return line;
      }
      if (stdout_ < 0) return std::nullopt;
      if (!pump(until)) return std::nullopt;
    }
  }

  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    pending_in_.clear();
    in_written_ = 0;
  }

  // Closes stdin, waits up to `timeout` for the child to exit (draining its
  // output meanwhile), kills it if it does not, and returns how it ended.
  Exit finish(Ms timeout = Ms(5'000)) {
    close_stdin();
    const auto until = bound(timeout);
    while ((stdout_ >= 0 || stderr_ >= 0) && pump(until)) {
    }
    while (!exit_) {
      int status = 0;
      const pid_t got = ::waitpid(pid_, &status, WNOHANG);
      if (got == pid_) {
        Exit result;
        result.exited = WIFEXITED(status);
        result.code = result.exited ? WEXITSTATUS(status) : -1;
        result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        result.timed_out = killed_;
        exit_ = result;
        break;
      }
      if (got < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
      if (Clock::now() >= until && !killed_) {
        ::kill(pid_, SIGKILL);
        killed_ = true;
      }
      ::usleep(1'000);
    }
    return *exit_;
  }

  // Everything the child wrote on stderr so far (all of it after finish()), up
  // to the first 16 MiB.
  const std::string& stderr_text() const { return stderr_buf_; }
  // Stdout bytes read but not yet returned by read_line (after finish(): all
  // the unread output).
  const std::string& unread_stdout() const { return stdout_buf_; }
  pid_t pid() const { return pid_; }

  // For a caller that waits on several children with one poll() of its own
  // (tests/process/router.h): the read ends of the child's stdout and stderr
  // (-1 once closed), and one round of I/O that waits at most `timeout` (at
  // once when one of them is ready). read_line(Ms(0)) then returns a line
  // already read, without waiting.
  int stdout_fd() const { return stdout_; }
  int stderr_fd() const { return stderr_; }
  bool pump_once(Ms timeout) { return pump(bound(timeout)); }

 private:
  Clock::time_point bound(Ms timeout) const { return std::min(Clock::now() + timeout, deadline_); }

  // One round of poll(): writes pending stdin bytes, reads whatever stdout and
  // stderr hold. Returns false once `until` has passed or nothing is left to
  // wait for. Kills the child when its overall deadline passes.
  bool pump(Clock::time_point until) {
    const auto now = Clock::now();
    if (now >= deadline_ && !killed_ && !exit_) {
      ::kill(pid_, SIGKILL);
      killed_ = true;
    }
    if (now >= until) return false;
    pollfd fds[3];
    nfds_t count = 0;
    int* owners[3];
    const bool want_write = stdin_ >= 0 && in_written_ < pending_in_.size();
    if (want_write) {
      fds[count] = pollfd{stdin_, POLLOUT, 0};
      owners[count++] = &stdin_;
    }
    if (stdout_ >= 0) {
      fds[count] = pollfd{stdout_, POLLIN, 0};
      owners[count++] = &stdout_;
    }
    if (stderr_ >= 0) {
      fds[count] = pollfd{stderr_, POLLIN, 0};
      owners[count++] = &stderr_;
    }
    if (count == 0) return false;
    const auto left = std::chrono::duration_cast<Ms>(until - now).count();
    const int ready = ::poll(fds, count, static_cast<int>(std::max<int64_t>(1, left)));
    if (ready < 0) return errno == EINTR;
    char chunk[1 << 16];
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      int& fd = *owners[i];
      if (&fd == &stdin_) {
        if (fds[i].revents & (POLLERR | POLLHUP)) {
          close_stdin();  // the child closed its end: nothing more can be written
          continue;
        }
        const ssize_t n =
            ::write(fd, pending_in_.data() + in_written_, pending_in_.size() - in_written_);
        if (n > 0) {
          in_written_ += static_cast<size_t>(n);
        } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
          close_stdin();
        }
        continue;
      }
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n > 0 && &fd == &stdout_) {
        stdout_buf_.append(chunk, static_cast<size_t>(n));
      } else if (n > 0) {
        // A child that floods stderr must not exhaust our memory: keep the start.
        const size_t room = kStderrKeptMax - std::min(kStderrKeptMax, stderr_buf_.size());
        stderr_buf_.append(chunk, std::min(room, static_cast<size_t>(n)));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(fd);
        fd = -1;
      }
    }
    return true;
  }

  void close_all() {
    for (int* fd : {&stdin_, &stdout_, &stderr_}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  static constexpr size_t kStderrKeptMax = 16u << 20;

  pid_t pid_ = -1;
  int stdin_ = -1;
  int stdout_ = -1;
  int stderr_ = -1;
  Clock::time_point deadline_;
  std::string pending_in_;
  size_t in_written_ = 0;
  std::string stdout_buf_;
  std::string stderr_buf_;
  bool killed_ = false;
  std::optional<Exit> exit_;
};

}  // namespace eddy::testing
