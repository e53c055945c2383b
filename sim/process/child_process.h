// ChildProcess: a Maelstrom node binary run by eddy-sim's process mode
// (`eddy-sim test --bin PATH`), one child per node, all driven by one poll()
// loop of the runner's. Nothing here blocks: stdin, stdout and stderr are
// nonblocking pipes; what the loop reads is split into lines, what it
// writes waits in a bounded queue until the pipe takes it.
//
// The harness must survive any binary, so every input is bounded:
//  - a stdout line longer than Limits::line_bytes_max is dropped (its bytes
//    counted) and reported, never held;
//  - stderr is kept up to Limits::stderr_bytes_max, then counted only;
//  - a child that does not read its stdin can hold at most
//    Limits::stdin_backlog_bytes_max of ours, after which writes fail and
//    the caller reports the node as stuck.
// And no child outlives the runner:
//  - each node runs under a guard, a fork of the runner that waits for it.
//    The node leads a process group of its own; the guard is a child
//    subreaper (PR_SET_CHILD_SUBREAPER), so whatever the node spawned, and
//    whatever leaves the node's group by setsid, becomes the guard's child
//    when its parent dies. When the node ends, the guard kills its group,
//    then kills and reaps its own children round after round until it has
//    none, and only then exits;
//  - kill() sends the guard SIGTERM, which kills the node's group and so
//    starts that sweep; a guard that does not end within 2 s is SIGKILLed
//    (the node then gets SIGKILL from the kernel: PR_SET_PDEATHSIG);
//  - the guard asks the kernel for SIGTERM when the runner dies
//    (PR_SET_PDEATHSIG), so even a runner killed by SIGKILL leaves no
//    orphan, grandchildren and daemons included; the guard checks, after
//    asking, that the runner was still there;
//  - the guard exits as the node did (its status, or the same signal);
//  - the destructor kills and reaps the child if it is still running.
// (The sweep lists the guard's children in /proc/self/task/<pid>/children,
// a Linux file; without it, what left the node's group escapes.)
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "node_main/line_splitter.h"

namespace eddy::sim {

class ChildProcess {
 public:
  struct Limits {
    size_t line_bytes_max = 1 << 20;            // one stdout line
    size_t stderr_bytes_max = 16 << 20;         // stderr kept, in all
    size_t stdin_backlog_bytes_max = 64 << 20;  // ours, not yet taken by the child
  };

  struct Exit {
    bool exited = false;  // exited normally (WIFEXITED)
    int code = -1;        // its status, when it exited
    int signal = 0;       // the signal that ended it, if one did
    std::string describe() const;
  };

  // What one read_available() call produced, in order.
  struct Output {
    std::vector<std::string> lines;      // complete stdout lines, without '\n'
    std::vector<size_t> overlong_lines;  // sizes of stdout lines dropped as too long
    bool stdout_closed = false;          // end of stdout reached in this call
  };

  // Resolves `binary` as a shell would (a name without '/' is looked up on
  // PATH) to an executable file; or an error saying why not.
  static core::Result<std::string, std::string> resolve(const std::string& binary);

  // Starts `path args...` (path as resolve() returns it) with the runner's
  // environment; or an error (fork or pipe failures).
  static core::Result<std::unique_ptr<ChildProcess>, std::string> spawn(
      const std::string& path, const std::vector<std::string>& args, Limits limits);

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // The fds to poll (-1 once closed): stdout and stderr for POLLIN, stdin for
  // POLLOUT while wants_to_write().
  int stdout_fd() const { return stdout_; }
  int stderr_fd() const { return stderr_; }
  int stdin_fd() const { return stdin_; }
  bool wants_to_write() const { return stdin_ >= 0 && written_ < backlog_.size(); }

  // Reads whatever stdout and stderr hold now, without blocking.
  Output read_available();
  // Reads only stderr (whose pipe must not fill while stdout waits).
  void read_stderr();
  // Queues `bytes` for stdin and writes what the pipe takes now. False (and
  // nothing queued) if stdin is closed or the backlog would pass its bound.
  bool write(const std::string& bytes);
  // Writes more of the backlog, if the pipe takes it (after POLLOUT).
  void flush();
  void close_stdin();

  // The exit status once the child has ended (reaps it), or nullopt.
  std::optional<Exit> poll_exit();
  // Kills the node and everything it spawned (see above) and reaps the guard.
  Exit kill();

  const std::string& stderr_text() const { return stderr_text_; }
  int64_t stderr_dropped_bytes() const { return stderr_dropped_; }

 private:
  ChildProcess(pid_t pid, int in, int out, int err, Limits limits);
  void close_fd(int& fd);

  pid_t pid_;
  int stdin_;
  int stdout_;
  int stderr_;
  Limits limits_;
  node_main::LineSplitter stdout_lines_;
  std::string backlog_;  // for stdin; [written_, size) not yet taken
  size_t written_ = 0;
  std::string stderr_text_;
  int64_t stderr_dropped_ = 0;
  std::optional<Exit> exit_;
};

}  // namespace eddy::sim
