#include "sim/process/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

namespace eddy::sim {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// At most this much is read from one pipe per read_available() call, so one
// flooding child cannot starve the others of the loop's attention.
constexpr size_t kReadPerCallMax = 1 << 20;
// How long kill() lets a guard sweep before it kills the guard itself.
constexpr std::chrono::seconds kGuardGrace{2};

std::string errno_text(int error) { return std::strerror(error); }

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Why `path` cannot be run, or empty.
std::string not_runnable(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_text(errno);
  if (S_ISDIR(st.st_mode)) return "is a directory";
  if (!S_ISREG(st.st_mode)) return "is not a regular file";
  if (::access(path.c_str(), X_OK) != 0) return "is not executable";
  return {};
}

// The node's pid, for the guard's SIGTERM handler (each guard is a process
// of its own, so one global per process is one per node).
volatile sig_atomic_t g_node = 0;

// The guard's SIGTERM (from the runner's kill(), or from the kernel when the
// runner dies): the node's process group dies; the guard's wait for the node
// then returns and it sweeps up the rest (sweep_descendants).
extern "C" void kill_node_group(int /*signal*/) {
  if (g_node > 0) ::kill(-g_node, SIGKILL);
}

// SIGKILLs every child of this (single-threaded) process listed by the
// kernel. Async-signal-safe: open, read and close only, digits parsed here.
void kill_listed_children() {
  char path[64] = "/proc/self/task/";
  // /proc/self/task/<pid>/children: the guard's only thread has its pid.
  char digits[24];
  int n = 0;
  for (long pid = ::getpid(); pid > 0; pid /= 10) digits[n++] = static_cast<char>('0' + pid % 10);
  size_t at = std::strlen(path);
  while (n > 0) path[at++] = digits[--n];
  for (const char* tail = "/children"; *tail != '\0';) path[at++] = *tail++;
  path[at] = '\0';
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;  // no CONFIG_PROC_CHILDREN: the group kill is all we have
  char buffer[4096];
  long pid = 0;
  for (ssize_t got = 0; (got = ::read(fd, buffer, sizeof buffer)) > 0;) {
    for (ssize_t i = 0; i < got; ++i) {
      if (buffer[i] >= '0' && buffer[i] <= '9') {
        pid = pid * 10 + (buffer[i] - '0');
      } else {
        if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
        pid = 0;
      }
    }
  }
  if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
  ::close(fd);
}

// Once the node has ended: kills and reaps every process it left, whether
// still in its process group or not. The guard is a child subreaper, so a
// descendant whose parent dies becomes the guard's child, setsid or no
// setsid, and is listed on the next round; the rounds end when the guard
// has no child left (a pid reserved as a group id is not reused while the
// group lives, so killing -node is safe after the node is reaped).
void sweep_descendants(pid_t node) {
  const struct timespec pause_between_rounds { 0, 1'000'000 };
  for (;;) {
    ::kill(-node, SIGKILL);
    kill_listed_children();
    int status = 0;
    pid_t reaped = 0;
    while ((reaped = ::waitpid(-1, &status, WNOHANG)) > 0) {
    }
    if (reaped < 0 && errno == ECHILD) return;
    ::nanosleep(&pause_between_rounds, nullptr);
  }
}

// The forked child: a guard that waits for the node, then for everything the
// node spawned, and outlives nothing. Only async-signal-safe calls from here
// on (the runner may have threads). See child_process.h.
[[noreturn]] void run_guard(pid_t runner, const std::string& path, char* const* argv,
                            const std::array<int, 2>& in, const std::array<int, 2>& out,
                            const std::array<int, 2>& err, const std::array<int, 2>& exec_status) {
  ::setpgid(0, 0);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  // SIGTERM waits until the node's pid is known, then kills its group.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &term, nullptr);
  struct sigaction on_term {};
  on_term.sa_handler = kill_node_group;
  ::sigaction(SIGTERM, &on_term, nullptr);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != runner) ::_exit(127);  // the runner died before we asked
  const pid_t node = ::fork();
  if (node == 0) {
    ::setpgid(0, 0);  // a group of its own, which the guard's SIGTERM kills
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::sigprocmask(SIG_UNBLOCK, &term, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the guard is gone: so are we
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execv(path.c_str(), argv);
    const int error = errno;
    (void)!::write(exec_status[1], &error, sizeof error);
    ::_exit(127);
  }
  if (node > 0) ::setpgid(node, node);  // also here: no race with a SIGTERM
  g_node = node;
  ::sigprocmask(SIG_UNBLOCK, &term, nullptr);
  // The pipes are the node's: the runner must see their ends when it ends.
  for (const int fd :
       {in[0], in[1], out[0], out[1], err[0], err[1], exec_status[0], exec_status[1]}) {
    ::close(fd);
  }
  if (node < 0) ::_exit(127);
  int status = 0;
  // Orphans adopted meanwhile are reaped as they die; the node's end is
  // what the guard waits for.
  for (pid_t reaped = 0; reaped != node;) {
    reaped = ::waitpid(-1, &status, 0);
    if (reaped < 0 && errno == ECHILD) break;
  }
  sweep_descendants(node);
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  // Ends as the node did, by the same signal.
  const int signal = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  ::signal(signal, SIG_DFL);
  ::kill(::getpid(), signal);
  ::_exit(128 + signal);
}

}  // namespace

std::string ChildProcess::Exit::describe() const {
  if (exited) return "exited with status " + std::to_string(code);
  return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

core::Result<std::string, std::string> ChildProcess::resolve(const std::string& binary) {
  if (binary.empty()) return core::Err{std::string("--bin: an empty path")};
  if (binary.find('/') != std::string::npos) {
    if (const std::string why = not_runnable(binary); !why.empty()) {
      return core::Err{"--bin " + binary + ": " + why};
    }
    return binary;
  }
  const char* path_env = std::getenv("PATH");
  std::stringstream path(path_env == nullptr ? "/usr/local/bin:/usr/bin:/bin" : path_env);
  std::string first_problem;
  for (std::string dir; std::getline(path, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + binary;
    const std::string why = not_runnable(candidate);
    if (why.empty()) return candidate;
    // A file that is there but cannot run says more than "not found".
    if (first_problem.empty() && why != errno_text(ENOENT)) first_problem = candidate + " " + why;
  }
  return core::Err{"--bin " + binary + ": not found on PATH" +
                   (first_problem.empty() ? "" : " (" + first_problem + ")")};
}

core::Result<std::unique_ptr<ChildProcess>, std::string> ChildProcess::spawn(
    const std::string& path, const std::vector<std::string>& args, Limits limits) {
  // Writing to a child that has exited must be an error, not our death.
  ::signal(SIGPIPE, SIG_IGN);
  std::array<int, 2> in{-1, -1}, out{-1, -1}, err{-1, -1}, exec_status{-1, -1};
  for (auto* pipe : {&in, &out, &err, &exec_status}) {
    if (::pipe2(pipe->data(), O_CLOEXEC) != 0) {
      const int error = errno;
      for (auto* opened : {&in, &out, &err, &exec_status}) {
        for (int& fd : *opened) {
          if (fd >= 0) ::close(fd);
        }
      }
      return core::Err{"pipe2: " + errno_text(error)};
    }
  }
  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> argv_strings{path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    const int error = errno;
    for (auto* pipe : {&in, &out, &err, &exec_status}) {
      for (int fd : *pipe) ::close(fd);
    }
    return core::Err{"fork: " + errno_text(error)};
  }
  if (pid == 0) run_guard(parent, path, argv.data(), in, out, err, exec_status);
  ::setpgid(pid, pid);  // also here: no race with a kill() right after spawn
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::close(exec_status[1]);
  int exec_error = 0;
  ssize_t got = 0;
  do {
    got = ::read(exec_status[0], &exec_error, sizeof exec_error);
  } while (got < 0 && errno == EINTR);
  ::close(exec_status[0]);
  auto child = std::unique_ptr<ChildProcess>(new ChildProcess(pid, in[1], out[0], err[0], limits));
  if (got == sizeof exec_error) {
    child->kill();
    return core::Err{"exec " + path + ": " + errno_text(exec_error)};
  }
  return child;
}

ChildProcess::ChildProcess(pid_t pid, int in, int out, int err, Limits limits)
    : pid_(pid),
      stdin_(in),
      stdout_(out),
      stderr_(err),
      limits_(limits),
      stdout_lines_(limits.line_bytes_max) {
  set_nonblocking(stdin_);
  set_nonblocking(stdout_);
  set_nonblocking(stderr_);
}

ChildProcess::~ChildProcess() {
  if (!exit_) kill();
  close_fd(stdin_);
  close_fd(stdout_);
  close_fd(stderr_);
}

void ChildProcess::close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

ChildProcess::Output ChildProcess::read_available() {
  Output output;
  const auto on_line = [&](std::string_view line) { output.lines.emplace_back(line); };
  const auto on_overlong = [&](size_t bytes) { output.overlong_lines.push_back(bytes); };
  std::array<char, kReadChunk> buffer{};
  for (size_t taken = 0; stdout_ >= 0 && taken < kReadPerCallMax;) {
    const ssize_t n = ::read(stdout_, buffer.data(), buffer.size());
    if (n > 0) {
      stdout_lines_.feed({buffer.data(), static_cast<size_t>(n)}, on_line, on_overlong);
      taken += static_cast<size_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      stdout_lines_.finish(on_line, on_overlong);
      close_fd(stdout_);
      output.stdout_closed = true;
    } else if (errno == EAGAIN) {
      break;
    }
  }
  read_stderr();
  return output;
}

void ChildProcess::read_stderr() {
  std::array<char, kReadChunk> buffer{};
  for (size_t taken = 0; stderr_ >= 0 && taken < kReadPerCallMax;) {
    const ssize_t n = ::read(stderr_, buffer.data(), buffer.size());
    if (n > 0) {
      const size_t room =
          limits_.stderr_bytes_max - std::min(limits_.stderr_bytes_max, stderr_text_.size());
      const size_t kept = std::min(room, static_cast<size_t>(n));
      stderr_text_.append(buffer.data(), kept);
      stderr_dropped_ += n - static_cast<ssize_t>(kept);
      taken += static_cast<size_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      close_fd(stderr_);
    } else if (errno == EAGAIN) {
      break;
    }
  }
}

bool ChildProcess::write(const std::string& bytes) {
  if (stdin_ < 0) return false;
  if (backlog_.size() - written_ + bytes.size() > limits_.stdin_backlog_bytes_max) return false;
  backlog_ += bytes;
  flush();
  return true;
}

void ChildProcess::flush() {
  while (stdin_ >= 0 && written_ < backlog_.size()) {
    const ssize_t n = ::write(stdin_, backlog_.data() + written_, backlog_.size() - written_);
    if (n > 0) {
      written_ += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      break;
    } else {
      close_stdin();  // the child closed its stdin (EPIPE) or worse: nothing more goes
    }
  }
  if (written_ == backlog_.size()) {
    backlog_.clear();
    written_ = 0;
  } else if (written_ > backlog_.size() / 2) {
    backlog_.erase(0, written_);
    written_ = 0;
  }
}

void ChildProcess::close_stdin() {
  close_fd(stdin_);
  backlog_.clear();
  written_ = 0;
}

std::optional<ChildProcess::Exit> ChildProcess::poll_exit() {
  if (exit_) return exit_;
  // Looks without reaping: kill() reaps (its SIGTERM to a zombie is
  // harmless), and the guard ended only after the node's descendants did.
  siginfo_t info{};
  int rc = 0;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (rc < 0 && errno == EINTR);
  if (rc != 0 || info.si_pid != pid_) return std::nullopt;
  return kill();  // reaps it (the guard ends only once the node's descendants have)
}

ChildProcess::Exit ChildProcess::kill() {
  if (exit_) return *exit_;
  // The guard kills the node's group and sweeps up what escaped it, at once.
  // A guard that has not ended within kGuardGrace (stopped, say) is killed:
  // the node then dies of its PR_SET_PDEATHSIG.
  ::kill(pid_, SIGTERM);
  const auto give_up = std::chrono::steady_clock::now() + kGuardGrace;
  int status = 0;
  pid_t reaped = 0;
  while ((reaped = ::waitpid(pid_, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (reaped != pid_) {
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  Exit exit;
  exit.exited = WIFEXITED(status);
  exit.code = exit.exited ? WEXITSTATUS(status) : -1;
  exit.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  exit_ = exit;
  return exit;
}

}  // namespace eddy::sim
