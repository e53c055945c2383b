// Helpers for the simulator's tests: seed 001's configuration, a run plus its
// verdict, and the replay command to print when a run is not what it should be.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checker/history_io.h"
#include "checker/kafka_checker.h"
#include "checker/linkv_checker.h"
#include "checker/linkv_history_io.h"
#include "sim/report.h"
#include "sim/simulation.h"

namespace eddy::sim::testing {

// Seed 001's command: --node-count 1 --concurrency 2n --time-limit 20 --rate 1000,
// with the single-node strategy of challenge 5a.
inline SimOptions seed001_options(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  options.strategy = "single";
  options.node_count = 1;
  options.concurrency = 2;
  options.time_limit_s = 20;
  options.rate_per_s = 1000;
  return options;
}

// A short kafka run on `nodes` nodes of `strategy`: --concurrency 2n,
// 5 s at 500 ops/s.
inline SimOptions kafka_options(const std::string& strategy, int nodes, uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  options.strategy = strategy;
  options.node_count = nodes;
  options.concurrency = 2 * nodes;
  options.time_limit_s = 5;
  options.rate_per_s = 500;
  return options;
}

struct Verdict {
  SimResult result;
  checker::CheckResult check;
  std::string replay;
};

inline Verdict run_and_check(const SimOptions& options) {
  Verdict verdict{Simulation(options).run(), {}, replay_command(options)};
  verdict.check = checker::check_kafka(verdict.result.history);
  return verdict;
}

// The first seed in 1..max_seeds whose run the checker calls invalid, and its
// verdict; nullopt if every run passes. How broken variants are caught.
struct Caught {
  uint64_t seed;
  Verdict verdict;
};
inline std::optional<Caught> first_invalid_seed(
    const std::function<SimOptions(uint64_t seed)>& options_for_seed, uint64_t max_seeds) {
  for (uint64_t seed = 1; seed <= max_seeds; ++seed) {
    Verdict verdict = run_and_check(options_for_seed(seed));
    if (verdict.check.validity == checker::Validity::kInvalid)
      return Caught{seed, std::move(verdict)};
  }
  return std::nullopt;
}

// True if the verdict names at least one of `anomalies`.
inline bool found_any(const checker::CheckResult& check,
                      const std::vector<std::string>& anomalies) {
  for (const std::string& anomaly : anomalies) {
    if (check.anomalies.contains(anomaly)) return true;
  }
  return false;
}

inline std::string history_text(const checker::History& history) {
  std::string text;
  for (const checker::Op& op : history) checker::append_op_line(op, text);
  return text;
}

// --- lin-kv -------------------------------------------------------------------

// Seed 003's setting as a Maelstrom command: lin-kv on 5 nodes,
// --concurrency 2n --time-limit 20 --rate 100, with the proxy strategy.
inline SimOptions seed003_options(uint64_t seed) {
  SimOptions options;
  options.seed = seed;
  options.workload = "lin-kv";
  options.strategy = "proxy";
  options.node_count = 5;
  options.concurrency = 10;
  options.time_limit_s = 20;
  options.rate_per_s = 100;
  return options;
}

struct LinKvVerdict {
  SimResult result;
  checker::LinKvCheckResult check;
  std::string replay;
};

inline LinKvVerdict run_and_check_linkv(const SimOptions& options) {
  LinKvVerdict verdict{Simulation(options).run(), {}, replay_command(options)};
  verdict.check = checker::check_linkv(verdict.result.linkv_history);
  return verdict;
}

// The first seed in 1..max_seeds whose lin-kv run is caught (the workload's
// checker finds it not linearizable, or a Raft invariant aborts it), with
// its verdict; nullopt if none is. The lin-kv twin of first_invalid_seed.
struct CaughtLinKv {
  uint64_t seed;
  LinKvVerdict verdict;
};
inline std::optional<CaughtLinKv> first_caught_linkv_seed(
    const std::function<SimOptions(uint64_t seed)>& options_for_seed, uint64_t max_seeds) {
  for (uint64_t seed = 1; seed <= max_seeds; ++seed) {
    LinKvVerdict verdict = run_and_check_linkv(options_for_seed(seed));
    if (!verdict.result.abort_reason.empty() ||
        verdict.check.workload_validity == checker::Validity::kInvalid) {
      return CaughtLinKv{seed, std::move(verdict)};
    }
  }
  return std::nullopt;
}

inline std::string history_text(const checker::LinKvHistory& history) {
  std::string text;
  for (const checker::LinKvOp& op : history) checker::append_linkv_op_line(op, text);
  return text;
}

}  // namespace eddy::sim::testing
