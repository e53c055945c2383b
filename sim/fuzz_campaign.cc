// The fuzz campaign (sim/fuzz_campaign.h): shards, and the parent's loop
// over forked workers.
#include "sim/fuzz_campaign.h"

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>

#include "sim/reorder_buffer.h"
#include "sim/simulation.h"

namespace eddy::sim {
namespace {

core::Result<int64_t, std::string> parse_count(std::string_view text, const char* what) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) {
    return core::Err{std::string(what) + " must be a whole number, got '" + std::string(text) +
                     "'"};
  }
  return value;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// A worker: reads seeds (8 bytes each) from `commands` until EOF, answers
// each with its record's JSON line on `results`. Never returns.
[[noreturn]] void worker_main(const std::string& strategy, int commands, int results) {
  for (;;) {
    uint64_t seed = 0;
    size_t got = 0;
    while (got < sizeof seed) {
      const ssize_t n = ::read(commands, reinterpret_cast<char*>(&seed) + got, sizeof seed - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) ::_exit(0);  // the parent closed the pipe: no more seeds
      got += static_cast<size_t>(n);
    }
    const std::string line = to_json(run_scenario(strategy, seed)).dump() + "\n";
    if (!write_all(results, line.data(), line.size())) ::_exit(0);
  }
}

struct Worker {
  pid_t pid = -1;
  int commands = -1;             // parent writes seeds
  int results = -1;              // parent reads record lines
  int errors = -1;               // parent reads the worker's stderr (and stdout)
  std::deque<size_t> in_flight;  // positions sent, oldest first
  // When the worker started its current scenario (the front of in_flight).
  std::chrono::steady_clock::time_point started;
  bool timed_out = false;  // killed for running over the scenario timeout
  std::string result_buffer;
  std::string error_buffer;  // the current partial stderr line
  std::string last_error_line;
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Keeps the last non-empty line of what a worker wrote to stderr.
void take_error_text(Worker& worker, std::string_view text) {
  for (const char ch : text) {
    if (ch == '\n') {
      if (!worker.error_buffer.empty()) worker.last_error_line = worker.error_buffer;
      worker.error_buffer.clear();
    } else if (worker.error_buffer.size() < 4096) {
      worker.error_buffer += ch;
    }
  }
}

std::string last_line(const Worker& worker) {
  return worker.error_buffer.empty() ? worker.last_error_line : worker.error_buffer;
}

// The parent's side of the campaign.
class Campaign {
 public:
  explicit Campaign(const CampaignOptions& options)
      : options_(options),
        seeds_(shard_seeds(options.seed, options.runs, options.shard)),
        start_(std::chrono::steady_clock::now()) {
    for (size_t i = 0; i < seeds_.size(); ++i) queue_.push_back(i);
  }

  core::Result<CampaignTotals, std::string> run() {
    write_header();
    const size_t worker_count =
        std::min(static_cast<size_t>(options_.jobs), std::max<size_t>(seeds_.size(), 1));
    workers_.resize(seeds_.empty() ? 0 : worker_count);
    while (!stopped_ && buffer_.next() < seeds_.size()) {
      for (Worker& worker : workers_) {
        if (worker.pid < 0 && !queue_.empty()) {
          if (const std::string error = spawn(worker); !error.empty()) {
            shut_down();
            return core::Err{error};
          }
        }
        feed(worker);
      }
      wait_for_output();
      print_ready();
    }
    shut_down();
    totals_.wall_s = seconds_since(start_);
    write_footer();
    return totals_;
  }

 private:
  // Two seeds in flight per worker: it starts the next as soon as it has
  // answered one, without waiting for the parent.
  static constexpr size_t kInFlight = 2;
  // How often, at least, progress and the scenario timeout are looked at.
  static constexpr int kPollMs = 250;

  std::string spawn(Worker& worker) {
    int commands[2];
    int results[2];
    int errors[2];
    if (::pipe(commands) != 0) return std::string("pipe: ") + std::strerror(errno);
    if (::pipe(results) != 0) {
      ::close(commands[0]);
      ::close(commands[1]);
      return std::string("pipe: ") + std::strerror(errno);
    }
    if (::pipe(errors) != 0) {
      for (int fd : {commands[0], commands[1], results[0], results[1]}) ::close(fd);
      return std::string("pipe: ") + std::strerror(errno);
    }
    // The child inherits stdio's buffers: empty them first, or both would
    // write them.
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (int fd : {commands[0], commands[1], results[0], results[1], errors[0], errors[1]})
        ::close(fd);
      return std::string("fork: ") + std::strerror(errno);
    }
    if (pid == 0) {
      // Another worker's pipe ends held here would keep that worker from
      // seeing EOF, and the parent from seeing its death.
      for (Worker& other : workers_) {
        for (int fd : {other.commands, other.results, other.errors}) {
          if (fd >= 0) ::close(fd);
        }
      }
      ::close(commands[1]);
      ::close(results[0]);
      ::close(errors[0]);
      // Anything a scenario prints goes to the parent's stderr capture, so
      // the campaign's stdout stays its own.
      ::dup2(errors[1], STDOUT_FILENO);
      ::dup2(errors[1], STDERR_FILENO);
      ::close(errors[1]);
      ::signal(SIGPIPE, SIG_DFL);
      // A worker that aborts is reported by its signal: a core file per
      // crashing seed would only fill the disk.
      const rlimit no_core{0, 0};
      ::setrlimit(RLIMIT_CORE, &no_core);
      worker_main(options_.strategy, commands[0], results[1]);
    }
    ::close(commands[0]);
    ::close(results[1]);
    ::close(errors[1]);
    worker = Worker{};
    worker.pid = pid;
    worker.commands = commands[1];
    worker.results = results[0];
    worker.errors = errors[0];
    return "";
  }

  void feed(Worker& worker) {
    while (worker.pid >= 0 && !queue_.empty()) {
      // Near the end, one seed each: a second queued behind a long scenario
      // would wait while another worker sits idle.
      const size_t depth = queue_.size() > workers_.size() ? kInFlight : 1;
      if (worker.in_flight.size() >= depth) return;
      const size_t position = queue_.front();
      const uint64_t seed = seeds_[position];
      // A failed write means the worker has died: its EOF tells the rest.
      if (!write_all(worker.commands, reinterpret_cast<const char*>(&seed), sizeof seed)) return;
      queue_.pop_front();
      if (worker.in_flight.empty()) worker.started = std::chrono::steady_clock::now();
      worker.in_flight.push_back(position);
    }
  }

  void wait_for_output() {
    std::vector<pollfd> fds;
    std::vector<std::pair<Worker*, bool>> owners;  // worker, is it the results pipe
    for (Worker& worker : workers_) {
      if (worker.pid < 0) continue;
      fds.push_back({worker.results, POLLIN, 0});
      owners.emplace_back(&worker, true);
      if (worker.errors >= 0) {
        fds.push_back({worker.errors, POLLIN, 0});
        owners.emplace_back(&worker, false);
      }
    }
    if (fds.empty()) return;
    const int ready = ::poll(fds.data(), fds.size(), kPollMs);
    report_progress();
    kill_overdue();
    if (ready <= 0) return;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Worker& worker = *owners[i].first;
      if (worker.pid < 0) continue;
      char chunk[65536];
      const ssize_t n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (!owners[i].second) {
        if (n <= 0) {
          close_fd(worker.errors);
        } else {
          take_error_text(worker, {chunk, static_cast<size_t>(n)});
        }
        continue;
      }
      if (n <= 0) {
        reap(worker);
        continue;
      }
      worker.result_buffer.append(chunk, static_cast<size_t>(n));
      take_results(worker);
    }
  }

  void take_results(Worker& worker) {
    for (size_t end; (end = worker.result_buffer.find('\n')) != std::string::npos;) {
      const std::string line = worker.result_buffer.substr(0, end);
      worker.result_buffer.erase(0, end + 1);
      if (worker.in_flight.empty()) continue;  // cannot happen: a worker answers what it got
      const size_t position = worker.in_flight.front();
      worker.in_flight.pop_front();
      worker.started = std::chrono::steady_clock::now();  // the next one starts
      const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
      auto record = json.is_discarded() ? core::Result<ScenarioRecord, std::string>(
                                              core::Err{std::string("unparsable result line")})
                                        : record_from_json(json);
      if (record.ok() && record.value().seed == seeds_[position]) {
        buffer_.put(position, std::move(record).value());
      } else {
        ScenarioRecord broken = died_record(options_.strategy, seeds_[position], 0, "");
        broken.safety = "worker answered garbage: " + line.substr(0, 200);
        buffer_.put(position, std::move(broken));
      }
    }
  }

  // A worker's results pipe is at EOF: it died (or, shut down, exited).
  void reap(Worker& worker) {
    // Its stderr is complete once every writer is gone: read it out.
    while (worker.errors >= 0) {
      char chunk[4096];
      const ssize_t n = ::read(worker.errors, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      take_error_text(worker, {chunk, static_cast<size_t>(n)});
    }
    int status = 0;
    while (::waitpid(worker.pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!worker.in_flight.empty()) {
      ++totals_.workers_died;
      const size_t position = worker.in_flight.front();
      worker.in_flight.pop_front();
      ScenarioRecord died =
          died_record(options_.strategy, seeds_[position], status, last_line(worker));
      if (worker.timed_out) {
        died.safety = "worker killed: the scenario ran over --scenario-timeout (" +
                      std::to_string(options_.scenario_timeout_s) + " s of wall time)" +
                      (last_line(worker).empty() ? "" : "; last stderr line: " + last_line(worker));
      }
      buffer_.put(position, std::move(died));
      // The seeds it had queued were never started: they go to the next
      // worker, in order.
      for (auto it = worker.in_flight.rbegin(); it != worker.in_flight.rend(); ++it)
        queue_.push_front(*it);
    }
    close_fd(worker.commands);
    close_fd(worker.results);
    close_fd(worker.errors);
    worker = Worker{};
  }

  void print_ready() {
    while (!stopped_) {
      std::optional<ScenarioRecord> record = buffer_.take();
      if (!record) return;
      ++totals_.runs;
      totals_.ops += record->ops;
      if (record->verdict == "fail") ++totals_.failed;
      if (record->verdict == "not-live") ++totals_.not_live;
      if (record->verdict != "pass" && options_.text) {
        const bool unsafe = record->verdict == "fail";
        std::fprintf(options_.text, "%s seed %llu: %s\n  replay: %s\n",
                     unsafe ? "FAIL" : "not live", static_cast<unsigned long long>(record->seed),
                     (unsafe ? record->safety : record->liveness).c_str(), record->replay.c_str());
        std::fflush(options_.text);
      }
      if (options_.jsonl) std::fprintf(options_.jsonl, "%s\n", to_json(*record).dump().c_str());
      if (record->verdict == "fail" && !options_.keep_going) stopped_ = true;
    }
  }

  void shut_down() {
    for (Worker& worker : workers_) {
      if (worker.pid < 0) continue;
      // Stopped early: the rest of its seeds are not wanted.
      if (!worker.in_flight.empty()) ::kill(worker.pid, SIGKILL);
      close_fd(worker.commands);  // EOF: an idle worker exits
      worker.in_flight.clear();
      reap(worker);
    }
  }

  // A scenario that never ends would stall the campaign: its worker is
  // killed, and its EOF reports the seed.
  void kill_overdue() {
    if (options_.scenario_timeout_s <= 0) return;
    for (Worker& worker : workers_) {
      if (worker.pid < 0 || worker.in_flight.empty() || worker.timed_out) continue;
      if (seconds_since(worker.started) > static_cast<double>(options_.scenario_timeout_s)) {
        worker.timed_out = true;
        ::kill(worker.pid, SIGKILL);
      }
    }
  }

  void report_progress() {
    if (!options_.progress || !::isatty(::fileno(options_.progress))) return;
    const double wall = seconds_since(start_);
    if (wall - last_progress_ < 1.0) return;
    last_progress_ = wall;
    std::fprintf(options_.progress, "\r[eddy-sim fuzz] %s: %zu/%zu runs, %lld failed, %.0f s",
                 options_.strategy.c_str(), buffer_.next(), seeds_.size(),
                 static_cast<long long>(totals_.failed), wall);
    std::fflush(options_.progress);
  }

  void write_header() {
    if (!options_.jsonl) return;
    const nlohmann::json header = {{"type", "header"},
                                   {"tool", "eddy-sim fuzz"},
                                   {"strategy", options_.strategy},
                                   {"seed", options_.seed},
                                   {"runs", options_.runs},
                                   {"shard", options_.shard.index},
                                   {"shards", options_.shard.count},
                                   {"shard_runs", seeds_.size()},
                                   {"jobs", options_.jobs},
                                   {"keep_going", options_.keep_going}};
    std::fprintf(options_.jsonl, "%s\n", header.dump().c_str());
  }

  void write_footer() {
    if (!options_.jsonl) return;
    const nlohmann::json footer = {
        {"type", "footer"},
        {"runs", totals_.runs},
        {"failed", totals_.failed},
        {"not_live", totals_.not_live},
        {"ops", totals_.ops},
        {"workers_died", totals_.workers_died},
        {"stopped_early", totals_.runs < static_cast<int64_t>(seeds_.size())},
        {"wall_s", totals_.wall_s},
        {"scenarios_per_s",
         totals_.wall_s > 0 ? static_cast<double>(totals_.runs) / totals_.wall_s : 0.0}};
    std::fprintf(options_.jsonl, "%s\n", footer.dump().c_str());
    std::fflush(options_.jsonl);
  }

  const CampaignOptions& options_;
  const std::vector<uint64_t> seeds_;
  const std::chrono::steady_clock::time_point start_;
  std::deque<size_t> queue_;  // positions in seeds_ not yet sent to a worker
  std::vector<Worker> workers_;
  ReorderBuffer<ScenarioRecord> buffer_;
  CampaignTotals totals_;
  bool stopped_ = false;
  double last_progress_ = 0;
};

}  // namespace

core::Result<Shard, std::string> parse_shard(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return core::Err{"--shard must be K/N (0-based K), got '" + std::string(text) + "'"};
  }
  auto index = parse_count(text.substr(0, slash), "--shard's K");
  if (!index) return core::Err{index.error()};
  auto count = parse_count(text.substr(slash + 1), "--shard's N");
  if (!count) return core::Err{count.error()};
  if (count.value() < 1 || count.value() > kMaxShards) {
    return core::Err{"--shard's N must be in 1.." + std::to_string(kMaxShards)};
  }
  if (index.value() < 0 || index.value() >= count.value()) {
    return core::Err{"--shard's K must be in 0.." + std::to_string(count.value() - 1) +
                     " (0-based), got " + std::to_string(index.value())};
  }
  return Shard{index.value(), count.value()};
}

core::Result<Shard, std::string> shard_from_environment(int64_t count) {
  const char* index = std::getenv("JOB_COMPLETION_INDEX");
  if (!index) {
    return core::Err{std::string(
        "--shards N needs K: give --shard K/N, or set JOB_COMPLETION_INDEX (a Kubernetes "
        "Indexed Job sets it in each pod)")};
  }
  auto shard = parse_shard(std::string(index) + "/" + std::to_string(count));
  if (!shard) return core::Err{"JOB_COMPLETION_INDEX: " + shard.error()};
  return shard;
}

std::vector<uint64_t> shard_seeds(uint64_t first_seed, int64_t runs, Shard shard) {
  std::vector<uint64_t> seeds;
  for (int64_t i = shard.index; i < runs; i += shard.count)
    seeds.push_back(first_seed + static_cast<uint64_t>(i));
  return seeds;
}

core::Result<CampaignTotals, std::string> run_campaign(const CampaignOptions& options) {
  if (auto factory = application_factory(options.strategy); !factory) {
    return core::Err{factory.error()};
  }
  if (options.runs < 1 || options.runs > kMaxRuns) {
    return core::Err{"--runs must be in 1.." + std::to_string(kMaxRuns)};
  }
  if (options.seed >
      std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(options.runs - 1)) {
    return core::Err{std::string("--seed + --runs - 1 is past the largest seed")};
  }
  if (options.jobs < 1 || options.jobs > kMaxJobs) {
    return core::Err{"--jobs must be in 1.." + std::to_string(kMaxJobs)};
  }
  if (options.shard.count < 1 || options.shard.index < 0 ||
      options.shard.index >= options.shard.count) {
    return core::Err{std::string("bad shard")};
  }
  // A worker that dies while the parent writes it a seed must not kill the
  // parent: the write fails instead, and the worker's EOF is handled.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  ::sigaction(SIGPIPE, &ignore, &previous);
  auto totals = Campaign(options).run();
  ::sigaction(SIGPIPE, &previous, nullptr);
  if (!totals) return totals;
  const CampaignTotals& t = totals.value();
  if (options.text) {
    std::string shard;
    if (options.shard.count > 1) {
      shard = " (shard " + std::to_string(options.shard.index) + "/" +
              std::to_string(options.shard.count) + " of " + std::to_string(options.runs) + ")";
    }
    std::fprintf(options.text,
                 "fuzz %s: %lld runs from seed %llu%s, %lld failed (safety), %lld not live, %lld "
                 "client ops\n",
                 options.strategy.c_str(), static_cast<long long>(t.runs),
                 static_cast<unsigned long long>(options.seed), shard.c_str(),
                 static_cast<long long>(t.failed), static_cast<long long>(t.not_live),
                 static_cast<long long>(t.ops));
    std::fflush(options.text);
  }
  if (options.progress) {
    if (::isatty(::fileno(options.progress))) std::fprintf(options.progress, "\n");
    // CPU time of this process and its reaped workers: what parallel runs
    // cost beyond the serial one, whatever else the machine is doing.
    rusage self{};
    rusage children{};
    ::getrusage(RUSAGE_SELF, &self);
    ::getrusage(RUSAGE_CHILDREN, &children);
    const auto seconds = [](const timeval& tv) {
      return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
    };
    const double cpu = seconds(self.ru_utime) + seconds(self.ru_stime) +
                       seconds(children.ru_utime) + seconds(children.ru_stime);
    std::fprintf(options.progress,
                 "[eddy-sim fuzz] %lld scenarios in %.2f s with %d jobs: %.2f scenarios/s, %.2f "
                 "CPU s%s\n",
                 static_cast<long long>(t.runs), t.wall_s, options.jobs,
                 t.wall_s > 0 ? static_cast<double>(t.runs) / t.wall_s : 0.0, cpu,
                 t.workers_died > 0
                     ? (", " + std::to_string(t.workers_died) + " workers died").c_str()
                     : "");
  }
  return totals;
}

}  // namespace eddy::sim
