// Helpers for the simulator's tests: seed 001's configuration, a run plus its
// verdict, and the replay command to print when a run is not what it should be.
#pragma once

#include <string>

#include "checker/history_io.h"
#include "checker/kafka_checker.h"
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

inline std::string history_text(const checker::History& history) {
  std::string text;
  for (const checker::Op& op : history) checker::append_op_line(op, text);
  return text;
}

}  // namespace eddy::sim::testing
