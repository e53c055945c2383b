#include "sim/run_check.h"

#include <utility>

namespace eddy::sim {

RunCheck run_check_of(checker::CheckResult check) {
  RunCheck run;
  run.validity = check.validity;
  // Jepsen's kafka checker and the stats rule are one CheckResult; its
  // anomalies (and an undecidable history) are the workload's part.
  run.workload_validity = !check.bad_anomaly_types.empty() ? checker::Validity::kInvalid
                          : check.unknown_reason.empty()   ? checker::Validity::kValid
                                                           : checker::Validity::kUnknown;
  run.report = checker::format_report(check);
  run.json = checker::to_json(check);
  run.client_invocations = check.client_invocations;
  for (const std::string& type : check.bad_anomaly_types) {
    run.workload_problem += (run.workload_problem.empty() ? "anomalies: " : ", ") + type;
  }
  run.unknown_reason = check.unknown_reason;
  run.stats_problems = check.stats_problems;
  run.kafka = std::move(check);
  return run;
}

RunCheck run_check_of(checker::LinKvCheckResult check) {
  RunCheck run;
  run.validity = check.validity;
  run.workload_validity = check.workload_validity;
  run.report = checker::format_report(check);
  run.json = checker::to_json(check);
  run.client_invocations = check.client_invocations;
  for (const checker::LinKvKeyResult& key : check.keys) {
    if (key.validity != checker::Validity::kInvalid) continue;
    run.workload_problem +=
        (run.workload_problem.empty() ? "not linearizable: key " : ", ") + key.key;
  }
  run.unknown_reason = check.unknown_reason;
  run.stats_problems = check.stats_problems;
  run.linkv = std::move(check);
  return run;
}

RunCheck check_run(const SimOptions& options, const SimResult& result,
                   std::optional<checker::KafkaHistoryPasses> fed) {
  RunCheck check = options.workload == "lin-kv"
                       ? run_check_of(checker::check_linkv(result.linkv_history))
                   : fed ? run_check_of(checker::check_kafka(result.history, std::move(*fed)))
                         : run_check_of(checker::check_kafka(result.history));
  // A node binary that broke Maelstrom's protocol fails the run, whatever
  // its history says (process mode; the report lists the problems).
  if (!result.node_problems.empty()) check.validity = checker::Validity::kInvalid;
  return check;
}

}  // namespace eddy::sim
