// `eddy-sim check`: re-checks a history that is already on disk, without
// running anything: an eddy-sim run folder (history.jsonl), a history file
// in Eddy's JSON-lines format, or a Maelstrom store folder (history.edn, as
// real Maelstrom writes it under store/<test>/<time>/), for the kafka or the
// lin-kv workload.
#pragma once

#include <string>

#include "checker/verdict.h"

namespace eddy::sim {

struct CheckArgs {
  std::string workload = "kafka";  // kafka or lin-kv
  std::string path;                // run folder, store folder or history file
  // Exit status from the workload's checker alone, not Maelstrom's stats and
  // availability rules: for histories that are not whole Maelstrom runs
  // (recorded corpora, hand-written cases).
  bool workload_only = false;
  double time_budget_s = 0;  // lin-kv: wall-clock budget of the search (0: none)
  // report.html (sim/html_report/), rebuilt from the history alone, with the
  // Lamport diagram when journal.jsonl is beside it; written to report_path,
  // or beside the history when that is empty.
  bool html_report = true;
  std::string report_path;
};

// eddy-sim's exit status for a verdict: 0 valid, 1 invalid, 2 unknown
// (Maelstrom's and Jepsen's meanings).
inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUnknown = 2;
int exit_status(checker::Validity validity);

// Prints the checker's report and writes report.html (a failure to write it
// is said on stderr and does not change the verdict); returns the exit status
// (0 valid, 1 invalid, 2 unknown or unreadable).
int run_check_command(const CheckArgs& args);

}  // namespace eddy::sim
