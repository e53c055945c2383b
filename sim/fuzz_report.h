// fuzz-report: merges the --jsonl files of a fuzz campaign's shards
// (sim/fuzz_campaign.h) into one report: how many runs passed, failed or were
// not live, the failing seeds with their replay commands, whether every seed
// of the campaign ran exactly once, and the throughput summed over shards.
//
// Each file is a header line (the campaign's parameters, which every file
// must share), one line per scenario, and a footer (the shard's totals and
// wall time; missing when the shard did not finish). Anything else is
// malformed input, named by file and line.
#pragma once

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sim/fuzz_campaign.h"

namespace eddy::sim {

// Limits on fuzz-report's input.
inline constexpr size_t kMaxReportLineBytes = 1 << 20;
inline constexpr size_t kMaxReportFiles = 100'000;

struct FuzzReport {
  std::string strategy;
  uint64_t first_seed = 0;
  int64_t campaign_runs = 0;  // seeds in the campaign
  int64_t shards = 0;         // N of the campaign
  int64_t files = 0;
  int64_t runs = 0;  // distinct seeds reported
  int64_t passed = 0;
  int64_t failed = 0;
  int64_t not_live = 0;
  std::vector<ScenarioRecord> failures;                // by seed
  std::vector<ScenarioRecord> not_lives;               // by seed
  std::vector<std::pair<uint64_t, uint64_t>> missing;  // seed ranges [first, last]
  int64_t missing_count = 0;
  std::vector<std::string> duplicates;  // "seed S (again at FILE:LINE)"
  int64_t duplicate_count = 0;
  std::vector<std::string> unfinished;  // files without a footer
  bool stopped_early = false;           // some shard stopped at its first failure
  double scenarios_per_s = 0;           // summed over the files' footers
  double scenario_s = 0;                // the scenarios' wall time, summed
};

// One input: its name (for messages) and its text.
struct ReportInput {
  std::string name;
  std::istream* in = nullptr;
};

// Merges files one at a time (one open file at a time, however many shards).
class FuzzMerger {
 public:
  // Reads one file; returns "NAME:LINE: what is wrong", or empty.
  std::string add(const std::string& name, std::istream& in);
  // The report of the files added (missing seeds found, records sorted).
  FuzzReport finish();

 private:
  FuzzReport report_;
  std::vector<bool> seen_;  // by seed - first seed
  std::string first_name_;
};

// Merges the inputs, or returns "NAME:LINE: what is wrong".
core::Result<FuzzReport, std::string> merge_fuzz_results(const std::vector<ReportInput>& inputs);

// The report's text; everything but its last line (throughput) depends only
// on the scenarios' verdicts.
std::string format_fuzz_report(const FuzzReport& report);

// 0: every seed ran once and passed (not-live runs are reported, not
// failed); 1: a failure, or a seed missing or run twice.
int fuzz_report_status(const FuzzReport& report);

// `eddy-sim fuzz-report FILES...`: prints the report to `out`, errors to
// `err`; returns 0, 1, or 2 for bad usage or malformed input.
int run_fuzz_report(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);

}  // namespace eddy::sim
