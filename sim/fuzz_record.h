// A fuzz scenario's record: what one seed of a campaign came to (verdict,
// the judge's texts, the history's hash, the replay command), as one JSON
// line. A worker sends it to the campaign's parent (sim/fuzz_campaign.h),
// --jsonl writes it, fuzz-report reads it back (sim/fuzz_report.h).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace eddy::sim {

// What one scenario came to: a line of --jsonl, a line over a worker's pipe.
struct ScenarioRecord {
  uint64_t seed = 0;
  std::string scenario;      // its flags for `eddy-sim test`
  std::string verdict;       // "pass", "fail" (safety) or "not-live"
  std::string safety;        // sim::Judgement::safety, or why the worker died
  std::string liveness;      // sim::Judgement::liveness
  std::string anomalies;     // the workload checker's objection in one line
  int64_t ops = 0;           // client invocations
  std::string history_hash;  // FNV-1a of the history's JSONL, 16 hex digits
  std::string replay;        // the command that replays it
  double elapsed_s = 0;      // wall time in the worker (not deterministic)
};

nlohmann::json to_json(const ScenarioRecord& record);
// Reads a record written by to_json, or returns what is wrong with it.
core::Result<ScenarioRecord, std::string> record_from_json(const nlohmann::json& json);

// Runs one scenario in this process: sim::random_scenario, the simulation,
// the check, sim::judge.
ScenarioRecord run_scenario(const std::string& strategy, uint64_t seed);

// The record of a scenario whose worker died with wait status `status`.
ScenarioRecord died_record(const std::string& strategy, uint64_t seed, int status,
                           const std::string& last_stderr_line);

}  // namespace eddy::sim
