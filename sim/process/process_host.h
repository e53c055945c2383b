// ProcessHost: one node of `eddy-sim test --bin PATH` as a child process
// (sim/process/child_process.h), fed in real time. The simulation's loop
// (Simulation::run in process mode) polls every host's pipes and calls
// on_readable(); each line the node writes is checked and handed to the
// network at the current virtual time (which follows the wall clock), and
// each message the network delivers is written to the node's stdin.
//
// What a line must be, as Maelstrom's net demands (a problem otherwise,
// reported with the node and the line, never a harness crash):
//  - a JSON object (nested no deeper than Limits::json_depth_max) with
//    string `src` (the node's own id), string `dest` and object `body`
//    whose `type` is a string;
//  - to another node: anything else goes, and is passed on verbatim (a
//    protocol of the node's own, which Eddy does not read);
//  - to a client: a reply (integer msg_id and in_reply_to) to a request this
//    node got from that client and has not answered yet, in a body Eddy's
//    codec reads (the workload checks what it says);
//  - to a service (lin-kv, seq-kv, lww-kv, lin-tso): a request the codec
//    reads;
//  - no other destination.
// A node that exits while the run needs it is a problem too; its endpoint
// goes down, as a crashed node's does. The crash nemesis SIGKILLs the
// process and later starts it again with a fresh init (what it keeps across
// is its own business: its files).
#pragma once

#include <poll.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/limits.h"
#include "sim/host.h"
#include "sim/process/child_process.h"
#include "sim/world.h"

namespace eddy::sim {

struct ProcessSpec {
  std::string path;               // resolved (ChildProcess::resolve)
  std::vector<std::string> args;  // "{node}" in one stands for the node's id
  ChildProcess::Limits limits;
};

class ProcessHost final : public Host {
 public:
  // `node_names` are every node's, for telling a node from a client.
  ProcessHost(World& world, std::string name, ProcessSpec spec,
              std::vector<std::string> node_names);

  // Starts the child; the error text if it could not be.
  std::string start();

  const std::string& name() const override { return name_; }
  EndpointId endpoint() const override { return endpoint_; }
  void receive(core::Message&& message) override;
  bool crash(bool tear) override;
  void restart(const std::vector<std::string>& node_ids) override;
  bool up() const override { return child_ != nullptr; }
  int64_t restarts() const override { return restarts_; }
  int64_t steps() const override { return lines_read_; }
  std::vector<std::string> log_lines() const override;

  // Appends the fds to poll (three, always: stdout, stderr, stdin; -1 for
  // one not to watch), and after poll(), reads and routes what came.
  // `read_stdout` false: the node's stdout is left unread (backpressure:
  // the node blocks once its pipe is full).
  void add_poll_fds(std::vector<pollfd>& fds, bool read_stdout) const;
  void on_poll(const pollfd* fds, size_t count);
  // Reads and routes whatever is there, without polling.
  void drain();
  // Reads only stderr (while stdout waits: backpressure).
  void drain_stderr();
  // Ends the run: closes the node's stdin (Maelstrom's teardown), then, by
  // `deadline`, lets it exit or kills it. Close every node's stdin first, so
  // that they all wind down together.
  void close_stdin();
  void finish(std::chrono::steady_clock::time_point deadline);

  // Problems with the node, in the order found ("n1 wrote a line that is
  // not JSON: ..."); at most kProblemsMax, then counted.
  const std::vector<std::string>& problems() const { return problems_; }
  // How the node ended, if it exited or died while the run needed it (the
  // run cannot go on: Maelstrom fails such a test too); else empty.
  const std::string& unexpected_exit() const { return unexpected_exit_; }
  int64_t problems_dropped() const { return problems_dropped_; }

  static constexpr size_t kProblemsMax = 100;
  // Requests awaiting a reply, per node, that are remembered for checking
  // replies; past it the oldest are forgotten (their replies go unchecked).
  static constexpr size_t kPendingMax = 1 << 20;
  // The restart's init comes from this client; its init_ok goes nowhere.
  static constexpr std::string_view kRestartInitClient = "c-restart-init";

 private:
  void route(const std::string& line);
  void problem(std::string text);
  void check_exit();
  bool is_node(const std::string& name) const;

  World& world_;
  std::string name_;
  EndpointId endpoint_;
  ProcessSpec spec_;
  std::set<std::string> node_names_;
  std::unique_ptr<ChildProcess> child_;
  std::string stderr_before_;  // stderr of earlier incarnations
  int64_t restarts_ = 0;
  int64_t lines_read_ = 0;
  // (client, msg_id) of requests delivered and not yet answered, oldest first.
  std::set<std::pair<std::string, int64_t>> pending_;
  std::deque<std::pair<std::string, int64_t>> pending_order_;
  bool pending_overflowed_ = false;  // some were forgotten: replies go unchecked
  std::vector<std::string> problems_;
  int64_t problems_dropped_ = 0;
  bool expected_exit_ = false;  // the nemesis or the run's end is killing it
  std::string unexpected_exit_;
};

}  // namespace eddy::sim
