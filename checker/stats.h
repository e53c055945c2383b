// Maelstrom's `stats` and `availability` checkers, plus latency quantiles per
// f, for any workload's history. Internal to the checkers.
//
//  - stats (jepsen checker/stats wrapped by kafka's `stats-checker`, which
//    Maelstrom's core.clj applies to every workload): counts completions by
//    f; an f with completions but no ok one is a problem, except the exempt
//    f (kafka's crash, which is always info).
//  - availability (maelstrom/checker.clj): ok completions / invocations, over
//    every client op; 1 when there are no invocations.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker/history.h"
#include "checker/process_table.h"
#include "checker/verdict.h"

namespace eddy::checker::detail {

struct StatsSummary {
  std::map<std::string, FStats> by_f;
  std::vector<std::string> problems;
  double availability = 1;
  int64_t entries = 0;      // client invocations and completions
  int64_t invocations = 0;  // client invocations
};

// Counts a history's client entries, f by f. The fs are small integers
// (the history's own enum), named at construction.
class StatsAccumulator {
 public:
  // `exempt_f`: the f the stats rule does not apply to, or -1.
  StatsAccumulator(std::vector<std::string> f_names, int exempt_f);

  void add_invocation(size_t f);
  // `latency_us`: completion time - invocation time, when the invocation is
  // known.
  void add_completion(size_t f, OpType type, std::optional<int64_t> latency_us);

  StatsSummary finish();

 private:
  struct PerF {
    FStats stats;
    std::vector<int64_t> ok_us;
    std::vector<int64_t> all_us;
    bool seen = false;
  };

  std::vector<std::string> names_;
  int exempt_f_;
  std::vector<PerF> per_f_;
  int64_t oks_ = 0;
  StatsSummary summary_;
};

// The kafka history's stats, op by op: for a history still being recorded
// (check_kafka's live passes, sim/live_history.h), so that only finish()
// is left once it ends. A completion's latency is from its process's
// invocation in flight (Jepsen's model: one op at a time per process).
class KafkaStatsPass {
 public:
  KafkaStatsPass();
  void add(const Op& op);
  StatsSummary finish() &&;

 private:
  struct InFlight {
    bool pending = false;  // the process has an invocation in flight
    int64_t invoked_us = 0;
  };
  StatsAccumulator stats_;
  ProcessTable<InFlight> in_flight_;
};

// The same over a whole history.
StatsSummary compute_stats(const History& history);

// Maelstrom's --availability rule: why `ok_fraction` falls short of
// `availability_min`, or empty when it does not (or there is no minimum).
std::string availability_shortfall(double ok_fraction,
                                   const std::optional<double>& availability_min);

// Nearest-rank quantiles of `latencies_us` (which it reorders).
LatencyStats latency_stats(std::vector<int64_t>& latencies_us);

}  // namespace eddy::checker::detail
