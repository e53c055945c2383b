// Maelstrom's `stats` and `availability` checkers, plus latency quantiles per
// f. Internal to the checker.
//
//  - stats (jepsen checker/stats wrapped by kafka's `stats-checker`): counts
//    completions by f; an f with completions but no ok one is a problem,
//    except crash, which is always info.
//  - availability (maelstrom/checker.clj): ok completions / invocations, over
//    every client op of both phases; 1 when there are no invocations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "checker/history.h"
#include "checker/kafka_checker.h"

namespace eddy::checker::detail {

struct StatsSummary {
  std::map<std::string, FStats> by_f;
  std::vector<std::string> problems;
  double availability = 1;
  int64_t entries = 0;      // client invocations and completions
  int64_t invocations = 0;  // client invocations
};

// invocation_of: for each op, the invocation it completes (HistoryIndex).
StatsSummary compute_stats(const History& history, const std::vector<int32_t>& invocation_of);

// Nearest-rank quantiles of `latencies_us` (which it reorders).
LatencyStats latency_stats(std::vector<int64_t>& latencies_us);

}  // namespace eddy::checker::detail
