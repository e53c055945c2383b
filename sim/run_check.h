// RunCheck: a simulated run's history judged by its workload's checker
// (checker::check_kafka or checker::check_linkv), in the shape the run's
// report, results.json and exit status need, whatever the workload.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/kafka_checker.h"
#include "checker/linkv_checker.h"
#include "sim/options.h"
#include "sim/simulation.h"

namespace eddy::sim {

struct RunCheck {
  checker::Validity validity = checker::Validity::kValid;           // Maelstrom's :valid?
  checker::Validity workload_validity = checker::Validity::kValid;  // the workload's alone
  std::string report;                                               // the checker's text report
  nlohmann::json json;                                              // the checker's JSON
  int64_t client_invocations = 0;  // Maelstrom's op-count, for msgs-per-op
  // Why the workload's checker objects, in one line ("anomalies: lost-write,
  // unseen", "not linearizable: keys 0, 3"); empty when it does not.
  std::string workload_problem;
  std::string unknown_reason;               // why the verdict is unknown
  std::vector<std::string> stats_problems;  // Maelstrom's stats rule
  // The full result, for callers that need its details.
  std::optional<checker::CheckResult> kafka;
  std::optional<checker::LinKvCheckResult> linkv;
};

// `fed`: the kafka checker's passes that read the history alone, when they
// have already been fed the history as it was recorded (sim/live_history.h).
RunCheck check_run(const SimOptions& options, const SimResult& result,
                   std::optional<checker::KafkaHistoryPasses> fed = std::nullopt);

// Wraps a checker's result (kafka or lin-kv).
RunCheck run_check_of(checker::CheckResult check);
RunCheck run_check_of(checker::LinKvCheckResult check);

}  // namespace eddy::sim
