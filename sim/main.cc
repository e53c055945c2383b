// eddy-sim: runs Eddy's nodes in a deterministic simulated cluster, with
// Maelstrom's flags and meanings, and checks the history as Maelstrom would.
//
//   eddy-sim test -w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000
//   eddy-sim test -w lin-kv --node-count 5 --concurrency 2n --time-limit 20 --rate 100
//   eddy-sim check -w kafka runs/kafka-gossip-1n-seed0
//   eddy-sim check -w lin-kv store/lin-kv/20260101T000000.000Z   (a Maelstrom store)
//   eddy-sim fuzz --strategy raft --runs 1000 --jobs 4 --shard 0/8 --jsonl shard-0.jsonl
//   eddy-sim fuzz-report shard-*.jsonl
//
// Exit status: 0 valid, 1 anomalies found, 2 bad usage or unknown verdict.
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "checker/history_io.h"
#include "checker/kafka_checker.h"
#include "checker/linkv_checker.h"
#include "checker/linkv_history_io.h"
#include "core/strategy.h"
#include "node_main/raft_flags.h"
#include "sim/check_command.h"
#include "sim/fuzz.h"
#include "sim/fuzz_campaign.h"
#include "sim/fuzz_report.h"
#include "sim/huge_pages.h"
#include "sim/live_history.h"
#include "sim/previous_run.h"
#include "sim/process/child_process.h"
#include "sim/report.h"
#include "sim/run_check.h"
#include "sim/sanitizer.h"
#include "sim/simulation.h"
#include "tests/broken/broken_variants.h"

namespace {

using namespace eddy;

using sim::kExitInvalid;
using sim::kExitUnknown;
using sim::kExitValid;

// Ends a finished run's process with `code`, without freeing its memory. A
// run's history, results and checker indexes are hundreds of thousands of
// blocks, and freeing them one by one on the way out took about 2 ms of seed
// 001's 35; by now every file is written and closed and every thread
// joined, so the process exits here once stdout and stderr are flushed, as
// clang does with -disable-free. Under a sanitizer it returns `code`
// instead, so that the leak checker still covers the whole path.
int exit_without_teardown(int code) {
  if (sim::kAddressSanitized) return code;
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}

double wall_seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct TestArgs {
  sim::SimOptions options;
  std::string concurrency = "2n";
  std::string latency_dist = "constant";
  std::string delivery = "maelstrom";
  std::string nemesis;
  std::string out;
  bool quiet = false;
  bool raft_flags_given = false;  // set from the parsed command line
};

void add_test_options(CLI::App& test, TestArgs& args) {
  sim::SimOptions& o = args.options;
  test.add_option("-w,--workload", o.workload, "workload: kafka or lin-kv")
      ->capture_default_str()
      ->check(CLI::IsMember({"kafka", "lin-kv"}));
  std::string strategies =
      "replication strategy of every node (default: gossip for kafka, proxy for lin-kv):";
  for (const sim::KnownStrategy& info : sim::known_strategies()) {
    std::string workloads;
    for (const std::string& workload : info.workloads) {
      workloads += (workloads.empty() ? "" : ", ") + workload;
    }
    strategies += "\n  " + info.name + " (" + workloads + "): " + info.summary;
  }
  o.strategy.clear();  // the workload's default unless given
  test.add_option("--strategy", o.strategy, strategies);
  test.add_option("--node-count", o.node_count, "nodes n0..n(N-1)")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  test.add_option("--concurrency", args.concurrency,
                  "clients: an integer, or Kn for K per node (lin-kv: a multiple of 2n)")
      ->capture_default_str();
  test.add_option("--time-limit", o.time_limit_s, "seconds of the main phase")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  test.add_option("--rate", o.rate_per_s, "ops per second over all clients")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e6));
  test.add_option("--latency", o.latency_ms, "mean node<->node and node<->service latency, ms")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{600'000}));
  test.add_option("--latency-dist", args.latency_dist,
                  "constant, uniform [0, 2L) or exponential (mean L)")
      ->capture_default_str()
      ->check(CLI::IsMember({"constant", "uniform", "exponential"}));
  test.add_option(
          "--delivery", args.delivery,
          "maelstrom: each endpoint takes its earliest message and waits for it (head-of-line "
          "blocking, partitions checked when taken); ideal: every message at its own deadline")
      ->capture_default_str()
      ->check(CLI::IsMember({"maelstrom", "ideal"}));
  test.add_option("--nemesis", args.nemesis,
                  "faults, comma-separated: partition, one-way, pause, crash (a node killed, then "
                  "restarted from what it persisted), partition-leader (the leader cut off in a "
                  "minority), crash-leader, churn-leader (the leader cut off, then its successor "
                  "crashed within a round trip of its election)");
  test.add_option("--nemesis-interval", o.nemesis_interval_s,
                  "mean seconds between nemesis actions")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  test.add_option("--loss-p", o.loss_p, "probability a server message is lost")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  test.add_option("--duplicate-p", o.duplicate_p, "probability a server message is delivered twice")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  test.add_option("--spike-p", o.spike_p, "probability a server message is delayed by --spike-ms")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  test.add_option("--spike-ms", o.spike_ms, "extra delay of a latency spike, ms")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{600'000}));
  test.add_flag("--torn-writes", o.torn_writes,
                "a crash may land in the node's last write (p 1/2), which is then lost; only a "
                "write nothing has depended on yet");
  test.add_option("--clock-skew-ms", o.clock_skew_ms,
                  "each node's clock is off by a constant in [-K, K] ms")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{3'600'000}));
  test.add_option("--slow-disk-p", o.slow_disk_p,
                  "probability a persist takes --slow-disk-ms to become durable (the node's later "
                  "effects wait behind it)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  test.add_option("--slow-disk-ms", o.slow_disk_ms, "time a slow persist takes, ms")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{600'000}));
  test.add_option("--key-count", o.key_count, "active key slots of the workload")
      ->capture_default_str()
      ->check(CLI::Range(1, 30));
  test.add_option("--max-writes-per-key", o.max_writes_per_key,
                  "sends per key before it is retired")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  test.add_option("--assign-p", o.assign_p,
                  "kafka: chance an op request becomes an assign; 1/8 is Maelstrom 0.2.3's "
                  "(jepsen 0.3.1), 0.015625 (1/64) Maelstrom HEAD's (jepsen 0.3.7)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  test.add_option("--crash-interval", o.crash_interval_s,
                  "seconds between client crashes, times concurrency")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  test.add_option("--client-timeout-ms", o.client_timeout_ms,
                  "client RPC timeout, ms (default: 5000 for kafka, max(10 x latency, 1000) for "
                  "lin-kv)")
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}));
  test.add_option("--process-limit", o.process_limit,
                  "lin-kv: processes a key's thread group may use before it moves to a new key")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  test.add_flag("--maelstrom-assign-bug", o.maelstrom_assign_bug,
                "start newly assigned keys at 0, as Maelstrom 0.2.x's client does, instead of at "
                "the committed offset");
  test.add_option("--recovery", o.recovery_s, "seconds between the main and the final phase")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  test.add_option("--final-time-limit", o.final_time_limit_s, "seconds of final polls")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  test.add_option("--poll-msgs-per-key-max", o.limits.poll_msgs_per_key_max,
                  "the nodes' poll limit per key")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  test.add_option("--seed", o.seed, "seed of every random choice of the run")
      ->capture_default_str();
  test.add_option("--out", args.out,
                  "run folder (default runs/<workload>-<strategy>-<N>n-seed<seed>)");
  test.add_flag("--journal", o.journal, "keep every message in journal.jsonl");
  test.add_flag("--node-logs", o.node_logs, "keep the nodes' logs in nodes/<id>.log");
  test.add_flag("!--no-report", o.html_report,
                "write no report.html (for benchmarks; the plots cost a few % of a run)");
  test.add_option("--check-every", o.invariant_check_every_steps,
                  "check node invariants every N steps (1: every step)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  test.add_flag("-q,--quiet", args.quiet, "print only the verdict line and the replay command");
  node_main::add_raft_flags(test, o.strategy_options.raft);
  test.add_option("--bin", o.bin,
                  "process mode: run every node as this Maelstrom binary (a path, or a name "
                  "looked up on PATH), fed through the simulator's network in real time; its "
                  "arguments follow `--`; each node's stderr goes to nodes/<id>.log");
  test.add_option("bin-args", o.bin_args, "arguments for --bin's binary, after --");
}

// Resolves the textual flags into options; returns an error text or empty.
std::string finish_options(TestArgs& args) {
  sim::SimOptions& o = args.options;
  const std::string& c = args.concurrency;
  try {
    if (!c.empty() && c.back() == 'n') {
      o.concurrency = (c.size() == 1 ? 1 : std::stoi(c.substr(0, c.size() - 1))) * o.node_count;
    } else {
      o.concurrency = std::stoi(c);
    }
  } catch (const std::exception&) {
    return "--concurrency must be an integer or Kn, got '" + c + "'";
  }
  if (o.concurrency < 1 || o.concurrency > 10'000) return "--concurrency must be in 1..10000";
  o.latency_dist = args.latency_dist == "uniform"       ? sim::LatencyDist::kUniform
                   : args.latency_dist == "exponential" ? sim::LatencyDist::kExponential
                                                        : sim::LatencyDist::kConstant;
  o.delivery =
      args.delivery == "ideal" ? sim::DeliveryModel::kIdeal : sim::DeliveryModel::kMaelstrom;
  o.nemesis.clear();
  std::stringstream faults(args.nemesis);
  for (std::string fault; std::getline(faults, fault, ',');) {
    if (fault.empty()) continue;
    static const std::vector<std::string> kFaults{"partition",   "one-way",          "pause",
                                                  "crash",       "partition-leader", "crash-leader",
                                                  "churn-leader"};
    if (std::find(kFaults.begin(), kFaults.end(), fault) == kFaults.end()) {
      std::string known;
      for (const std::string& name : kFaults) known += (known.empty() ? "" : ", ") + name;
      return "--nemesis: unknown fault '" + fault + "' (known: " + known + ")";
    }
    o.nemesis.push_back(fault);
  }
  if (!o.bin.empty()) {
    // Process mode: the binary is the strategy, and its stderr is its log.
    if (auto path = sim::ChildProcess::resolve(o.bin); !path.ok()) return path.error();
    if (args.raft_flags_given) return "the --raft-* flags are for --strategy raft, not --bin";
    o.strategy = "bin";
    o.node_logs = true;
  } else if (!o.bin_args.empty()) {
    return "arguments after -- are for --bin's binary, and there is no --bin";
  }
  if (o.strategy.empty()) o.strategy = std::string(core::default_strategy(o.workload));
  if (o.bin.empty()) {
    if (auto factory = sim::application_factory(o.strategy); !factory) return factory.error();
  }
  if (args.raft_flags_given && !sim::strategy_persists(o.strategy)) {
    return "the --raft-* flags are for --strategy raft (and its broken variants), not " +
           o.strategy;
  }
  if (const std::string problem = core::check_strategy_options(o.strategy_options);
      !problem.empty()) {
    return problem;
  }
  if (const std::vector<std::string> serves = sim::workloads_of(o.strategy);
      o.bin.empty() && std::find(serves.begin(), serves.end(), o.workload) == serves.end()) {
    return "strategy '" + o.strategy + "' serves the " + serves.front() + " workload, not " +
           o.workload;
  }
  if (o.workload == "lin-kv" && o.concurrency % (2 * o.node_count) != 0) {
    // jepsen independent/concurrent-generator: groups of 2n threads per key.
    return "--concurrency must be a multiple of 2n = " + std::to_string(2 * o.node_count) +
           " for lin-kv (each key is worked on by a group of 2 x node-count threads), got " +
           std::to_string(o.concurrency);
  }
  if (args.out.empty()) {
    args.out = "runs/" + o.workload + "-" + o.strategy + "-" + std::to_string(o.node_count) +
               "n-seed" + std::to_string(o.seed);
    for (char& ch : args.out) {
      if (ch == ':') ch = '-';
    }
  }
  return "";
}

// Process mode: SIGINT or SIGTERM ends the run (the nodes are killed, the
// history so far is checked) instead of killing eddy-sim outright.
std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int /*signal*/) { g_interrupted.store(true); }

int run_test(TestArgs& args) {
  if (const std::string error = finish_options(args); !error.empty()) {
    std::cerr << "eddy-sim: " << error << "\n";
    return kExitUnknown;
  }
  if (!args.options.bin.empty()) {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    args.options.interrupted = &g_interrupted;
  }
  const auto start = std::chrono::steady_clock::now();
  // The earlier run's files are deleted on the other core while this one
  // runs (sim/previous_run.h).
  sim::PreviousRun previous_run(args.out);
  double last_progress = 0;
  const sim::ProgressFn progress = [&](sim::TimeUs now_us, size_t history_entries) {
    const double wall = wall_seconds_since(start);
    if (wall < 1.0 || wall - last_progress < 0.5) return;
    last_progress = wall;
    std::fprintf(stderr, "\r[eddy-sim] virtual %.1f s, %zu history entries, wall %.1f s",
                 now_us / 1e6, history_entries, wall);
  };
  // history.jsonl and the kafka checker's passes that read the history alone
  // (its index, the commit-order pass) follow the run on the other core, op
  // by op, as the run records them (sim/live_history.h).
  sim::LiveHistory live_history(args.out, args.options, previous_run);
  // The simulation's own memory (the nodes' logs, the network's pool) is left
  // to the exit rather than freed between the run and its checker, where
  // freeing it cost seed 001's command a million instructions; a process-mode
  // run ends its child processes there still.
  std::optional<sim::Simulation> simulation(std::in_place, args.options);
  sim::SimResult result = simulation->run(progress, live_history.readers());
  if (!args.options.bin.empty()) simulation.reset();
  const double sim_wall = wall_seconds_since(start);
  const std::string history_error = live_history.finish();
  previous_run.wait();
  // What report.html holds that the verdict does not decide is prepared on
  // the other core while the checker runs on this one.
  std::future<sim::PreparedReport> html;
  if (args.options.html_report) {
    html = std::async(std::launch::async, [&] {
      sim::advise_thread_heap();
      return sim::prepare_run_html(args.options, result, live_history.finish_report_data());
    });
  }
  const sim::RunCheck check =
      sim::check_run(args.options, result, live_history.take_kafka_passes());
  const double total_wall = wall_seconds_since(start);
  if (!history_error.empty()) {
    std::cerr << "eddy-sim: " << history_error << "\n";
    return kExitUnknown;
  }
  if (last_progress > 0) std::fprintf(stderr, "\n");

  const std::string report = sim::format_run_report(args.options, result, check);
  // report.html is written apart from the rest of the folder, to time it.
  sim::SimOptions folder_options = args.options;
  folder_options.html_report = false;
  if (const std::string error = sim::write_run_folder(args.out, folder_options, result, check,
                                                      /*history_written=*/true);
      !error.empty()) {
    std::cerr << "eddy-sim: " << error << "\n";
    return kExitUnknown;
  }
  const double html_start = wall_seconds_since(start);
  if (args.options.html_report) {
    if (const std::string error =
            sim::write_run_html(args.out, args.options, result, check, html.get());
        !error.empty()) {
      std::cerr << "eddy-sim: " << error << "\n";
      return kExitUnknown;
    }
  } else {
    // A report of an earlier run in the same folder would show another run.
    std::error_code ignored;
    std::filesystem::remove(std::filesystem::path(args.out) / "report.html", ignored);
  }
  const double html_wall = wall_seconds_since(start) - html_start;
  // The figure counts the run folder too: a run is not done until it is written.
  const double folder_wall = wall_seconds_since(start) - total_wall;
  if (args.quiet) {
    std::cout << "verdict: " << checker::to_string(check.validity)
              << "\nreplay: " << sim::replay_command(args.options) << "\n";
  } else {
    std::cout << report;
  }
  const double virtual_s = static_cast<double>(result.end_us) / 1e6;
  std::fprintf(
      stderr,
      "[eddy-sim] %.1f s of virtual time in %.3f s of wall time (simulation %.3f s of which "
      "%.3f s waiting for the history's thread, checker and history.jsonl %.3f s, rest of the "
      "run folder %.3f s of which report.html %.3f s): %.0fx real time; "
      "run folder %s\n",
      virtual_s, total_wall + folder_wall, sim_wall, result.history_wait_s, total_wall - sim_wall,
      folder_wall, html_wall,
      total_wall + folder_wall > 0 ? virtual_s / (total_wall + folder_wall) : 0.0,
      args.out.c_str());
  if (!args.options.bin.empty()) {
    // Process mode: what the runner itself costs (its nodes are not counted).
    rusage self{};
    ::getrusage(RUSAGE_SELF, &self);
    const double runner = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                          static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    std::fprintf(stderr,
                 "[eddy-sim] process mode: the runner used %.2f s of CPU (%.1f%% of one core) and "
                 "%ld MiB of memory at most\n",
                 runner, total_wall > 0 ? 100 * runner / total_wall : 0.0, self.ru_maxrss / 1024);
  }
  return exit_without_teardown(result.abort_reason.empty() ? sim::exit_status(check.validity)
                                                           : kExitUnknown);
}

struct FuzzArgs {
  sim::CampaignOptions campaign;
  std::string shard;   // K/N
  int64_t shards = 0;  // N, with K from JOB_COMPLETION_INDEX
  std::string jsonl;   // file, or - for stdout
  int jobs = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1U, 256U));
};

// Runs the random scenarios of sim/fuzz.h (seeds seed, seed+1, ..., or one
// shard of them) in --jobs worker processes (sim/fuzz_campaign.h); prints
// the replay command of every scenario that broke safety (a failure: exit 1)
// or served nothing of some kind (reported as not live), in seed order.
int run_fuzz(FuzzArgs& args) {
  sim::CampaignOptions& campaign = args.campaign;
  campaign.jobs = args.jobs;
  if (!args.shard.empty()) {
    auto shard = sim::parse_shard(args.shard);
    if (!shard) {
      std::cerr << "eddy-sim: " << shard.error() << "\n";
      return kExitUnknown;
    }
    if (args.shards != 0 && args.shards != shard.value().count) {
      std::cerr << "eddy-sim: --shard " << args.shard << " and --shards " << args.shards
                << " disagree\n";
      return kExitUnknown;
    }
    campaign.shard = shard.value();
  } else if (args.shards != 0) {
    auto shard = sim::shard_from_environment(args.shards);
    if (!shard) {
      std::cerr << "eddy-sim: " << shard.error() << "\n";
      return kExitUnknown;
    }
    campaign.shard = shard.value();
  }
  FILE* jsonl = nullptr;
  if (args.jsonl == "-") {
    // The records take stdout; the human report moves to stderr.
    jsonl = stdout;
    campaign.text = stderr;
  } else if (!args.jsonl.empty()) {
    jsonl = std::fopen(args.jsonl.c_str(), "w");
    if (!jsonl) {
      std::cerr << "eddy-sim: cannot write " << args.jsonl << ": " << std::strerror(errno) << "\n";
      return kExitUnknown;
    }
  }
  campaign.jsonl = jsonl;
  const auto totals = sim::run_campaign(campaign);
  if (jsonl && jsonl != stdout && std::fclose(jsonl) != 0) {
    std::cerr << "eddy-sim: cannot write " << args.jsonl << "\n";
    return kExitUnknown;
  }
  if (!totals) {
    std::cerr << "eddy-sim: " << totals.error() << "\n";
    return kExitUnknown;
  }
  return totals.value().failed == 0 ? kExitValid : kExitInvalid;
}

struct CompareArgs {
  std::string strategies = "gossip,linkv,leader";
  std::string node_counts = "2,5";
  int64_t latency_ms = 10;
  double rate = 1000;
  double time_limit_s = 20;
  uint64_t seed = 1;
  std::string delivery = "maelstrom";
  double nemesis_interval_s = 10;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// One markdown table comparing strategies at --latency L, with and without
// partitions: what the README shows.
int run_compare(const CompareArgs& args) {
  std::printf(
      "| strategy | nodes | nemesis | verdict | send avail. | poll avail. | send p50/p99 ms | "
      "poll p50/p99 ms | msgs/op all | msgs/op servers | lin-kv req/op |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  bool all_valid = true;
  for (const std::string& strategy : split(args.strategies)) {
    if (auto factory = sim::application_factory(strategy); !factory) {
      std::cerr << "eddy-sim: " << factory.error() << "\n";
      return kExitUnknown;
    }
    for (const std::string& nodes : split(args.node_counts)) {
      for (const bool partitions : {false, true}) {
        sim::SimOptions o;
        o.strategy = strategy;
        o.node_count = std::stoi(nodes);
        o.concurrency = 2 * o.node_count;
        o.latency_ms = args.latency_ms;
        o.rate_per_s = args.rate;
        o.time_limit_s = args.time_limit_s;
        o.seed = args.seed;
        o.delivery =
            args.delivery == "ideal" ? sim::DeliveryModel::kIdeal : sim::DeliveryModel::kMaelstrom;
        if (partitions) o.nemesis = {"partition"};
        o.nemesis_interval_s = args.nemesis_interval_s;
        const sim::SimResult result = sim::Simulation(o).run();
        const checker::CheckResult check = checker::check_kafka(result.history);
        all_valid = all_valid && check.validity == checker::Validity::kValid;
        const auto avail = [&](const char* f) {
          const auto it = check.by_f.find(f);
          if (it == check.by_f.end() || it->second.invoke == 0) return std::string("-");
          char text[32];
          std::snprintf(text, sizeof text, "%.2f%%", 100.0 * it->second.ok / it->second.invoke);
          return std::string(text);
        };
        const auto latency = [&](const char* f) {
          const auto it = check.by_f.find(f);
          if (it == check.by_f.end()) return std::string("-");
          char text[48];
          std::snprintf(text, sizeof text, "%.1f / %.1f", it->second.latency_ok.p50_ms,
                        it->second.latency_ok.p99_ms);
          return std::string(text);
        };
        const int64_t ops = check.client_invocations;
        const auto lin_kv = result.service_requests.find("lin-kv");
        std::printf("| %s | %d | %s | %s | %s | %s | %s | %s | %.3f | %.3f | %.3f |\n",
                    strategy.c_str(), o.node_count, partitions ? "partition" : "none",
                    std::string(checker::to_string(check.validity)).c_str(), avail("send").c_str(),
                    avail("poll").c_str(), latency("send").c_str(), latency("poll").c_str(),
                    sim::messages_per_op(result.net.all.sent, ops),
                    sim::messages_per_op(result.net.servers.sent, ops),
                    sim::messages_per_op(
                        lin_kv == result.service_requests.end() ? 0 : lin_kv->second, ops));
        std::fflush(stdout);
      }
    }
  }
  std::printf(
      "\n(eddy-sim compare: --latency %lld --rate %g --time-limit %g --concurrency 2n --seed %llu "
      "--delivery %s --nemesis-interval %g)\n",
      static_cast<long long>(args.latency_ms), args.rate, args.time_limit_s,
      static_cast<unsigned long long>(args.seed), args.delivery.c_str(), args.nemesis_interval_s);
  return all_valid ? kExitValid : kExitInvalid;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything of size is allocated (sim/huge_pages.h).
  sim::prepare_heap(size_t{256} << 20);
  broken::register_broken_variants();
  CLI::App app{
      "eddy-sim: Eddy's deterministic cluster simulator, with Maelstrom's flags.\n"
      "Exit status: 0 valid, 1 anomalies found, 2 bad usage or unknown verdict."};
  app.require_subcommand(1);
  TestArgs test_args;
  CLI::App* test = app.add_subcommand("test", "run a simulated cluster and check its history");
  add_test_options(*test, test_args);
  sim::CheckArgs check_args;
  CLI::App* check = app.add_subcommand(
      "check",
      "check a saved history: an eddy-sim run folder, a history.jsonl, or a Maelstrom store "
      "folder (history.edn)");
  check->add_option("-w,--workload", check_args.workload, "workload: kafka or lin-kv")
      ->capture_default_str()
      ->check(CLI::IsMember({"kafka", "lin-kv"}));
  check->add_option("run", check_args.path, "run folder, store folder or history file")->required();
  check->add_flag("--workload-only", check_args.workload_only,
                  "exit status from the workload's checker alone (not the stats and "
                  "availability rules): for histories that are not whole Maelstrom runs");
  check->add_option("--report", check_args.report_path,
                    "write report.html here (default: beside the history)");
  check->add_flag("!--no-report", check_args.html_report, "write no report.html");
  check
      ->add_option("--time-budget", check_args.time_budget_s,
                   "lin-kv: seconds the linearizability search may take before a key is "
                   "unknown (0: no limit)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 86400.0));
  FuzzArgs fuzz_args;
  sim::CampaignOptions& campaign = fuzz_args.campaign;
  CLI::App* fuzz = app.add_subcommand(
      "fuzz",
      "run random scenarios in worker processes and report every failing seed, in seed order");
  fuzz->add_option("--strategy", campaign.strategy, "strategy under test")->capture_default_str();
  fuzz->add_option("--runs", campaign.runs, "scenarios in the campaign (over all shards)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, sim::kMaxRuns));
  fuzz->add_option("--seed", campaign.seed, "seed of the first scenario (then seed+1, ...)")
      ->capture_default_str();
  fuzz->add_flag("!--stop-at-first", campaign.keep_going,
                 "stop at the first failing scenario (in seed order)");
  fuzz->add_option("--jobs", fuzz_args.jobs,
                   "worker processes (default: the number of cores); stdout is the same for any")
      ->capture_default_str()
      ->check(CLI::Range(1, sim::kMaxJobs));
  fuzz->add_option("--scenario-timeout", campaign.scenario_timeout_s,
                   "wall seconds a scenario may run before its worker is killed and the seed "
                   "reported as a FAIL (0: no limit); far above the slowest scenario, for long "
                   "campaigns")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  fuzz->add_option("--shard", fuzz_args.shard,
                   "K/N: run only the K-th (0-based) of N disjoint subsets of the seeds (seed "
                   "number i is in shard i mod N)");
  fuzz->add_option("--shards", fuzz_args.shards,
                   "N, with K taken from $JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod "
                   "index) when --shard is absent")
      ->check(CLI::Range(int64_t{1}, sim::kMaxShards));
  fuzz->add_option("--jsonl", fuzz_args.jsonl,
                   "write a header, one JSON line per scenario and a footer to FILE (- for "
                   "stdout, the human report then going to stderr); merge with fuzz-report");
  std::vector<std::string> report_files;
  CLI::App* fuzz_report = app.add_subcommand(
      "fuzz-report",
      "merge the --jsonl files of a fuzz campaign's shards: counts, failing seeds with their "
      "replay commands, missing or repeated seeds, throughput. Exit status: 0 every seed ran "
      "once and passed, 1 a failure or a seed missing or repeated, 2 bad usage or malformed "
      "input");
  fuzz_report->add_option("files", report_files, "shard files (eddy-sim fuzz --jsonl FILE)")
      ->required();
  CompareArgs compare_args;
  CLI::App* compare = app.add_subcommand("compare", "compare strategies in one markdown table");
  compare->add_option("--strategies", compare_args.strategies, "comma-separated")
      ->capture_default_str();
  compare->add_option("--node-counts", compare_args.node_counts, "comma-separated")
      ->capture_default_str();
  compare->add_option("--latency", compare_args.latency_ms, "ms")->capture_default_str();
  compare->add_option("--rate", compare_args.rate, "ops/s")->capture_default_str();
  compare->add_option("--time-limit", compare_args.time_limit_s, "s")->capture_default_str();
  compare->add_option("--seed", compare_args.seed, "seed of every run")->capture_default_str();
  compare
      ->add_option("--nemesis-interval", compare_args.nemesis_interval_s,
                   "s, for the partition rows")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  compare->add_option("--delivery", compare_args.delivery, "maelstrom or ideal")
      ->capture_default_str()
      ->check(CLI::IsMember({"maelstrom", "ideal"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : kExitUnknown;
  }
  if (*test) {
    test_args.raft_flags_given = node_main::raft_flags_given(*test);
    return run_test(test_args);
  }
  if (*fuzz) return run_fuzz(fuzz_args);
  if (*fuzz_report) return sim::run_fuzz_report(report_files, std::cout, std::cerr);
  if (*compare) return run_compare(compare_args);
  return sim::run_check_command(check_args);
}
