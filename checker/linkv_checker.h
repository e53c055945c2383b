// check_linkv: Maelstrom's verdict on a lin-kv history. The workload's
// checker is Jepsen's `independent` lifted Knossos `linearizable` checker
// with the `cas-register` model (jepsen tests/linearizable_register.clj):
// the history is split by key and each key's register must be linearizable.
// Maelstrom composes it with its `stats` checker (each of read, write and
// cas needs some :ok), `availability` and the net stats (core.clj); the
// overall verdict is the worst of them, and the workload's verdict is kept
// apart, as Maelstrom's results.edn keeps :workload apart from :stats.
//
// The search itself is checker/linearizability/ (Wing & Gong / Lowe style,
// with unknown-outcome ops collapsed by symmetry); this file pairs the
// history's entries, interns keys and values, runs one search per key (in
// parallel), and reports the smallest failing window of each bad key.
//
// Semantics (Knossos's, docs/history-format.md):
//  - an op that completed :fail never took effect; a read that is not :ok
//    constrains nothing;
//  - a write or cas completed :info (or never completed) may take effect at
//    any single instant after its invocation, or never;
//  - an :ok read of null says the key held nothing (strict); Knossos lets it
//    match any value, which `nil_read_matches_any` reproduces.
//
// Contract: the result depends only on the history and the options (a
// search cut short by `time_budget_s` is the one exception: its key is
// :unknown, never guessed); nothing is thrown for odd input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/linkv_history.h"
#include "checker/verdict.h"

namespace eddy::checker {

// The smallest window of a key's history that cannot be linearized: the op
// that could not be placed, the ops concurrent with it, and every value the
// register could hold just before it had to take effect.
struct LinearizabilityViolation {
  int64_t op_index = 0;                    // history index of the op's invocation
  int64_t completion_index = 0;            // and of its completion
  std::vector<int64_t> concurrent;         // invocation indexes of the concurrent ops
  std::vector<std::string> values_before;  // JSON texts, "null" for nothing written
  std::string description;                 // the window in words, one op a line
  bool window_exact = true;  // false: the budget ran out before the window was narrowed down
};

struct LinKvKeyResult {
  std::string key;  // the key's JSON text
  Validity validity = Validity::kValid;
  int64_t ops = 0;  // operations on the key that took part in the search
  int64_t states_explored = 0;
  std::string unknown_reason;  // why kUnknown
  std::optional<LinearizabilityViolation> violation;
};

struct LinKvCheckResult {
  // Maelstrom's :valid?: the worst of the workload's verdict, the stats rule
  // and the availability requirement.
  Validity validity = Validity::kValid;
  // The linearizability checker's verdict alone (results.edn's :workload).
  Validity workload_validity = Validity::kValid;
  std::vector<LinKvKeyResult> keys;  // every key, in key order
  int64_t keys_invalid = 0;
  int64_t keys_unknown = 0;
  int64_t states_explored = 0;
  // Why the workload's verdict is unknown (a history that cannot be paired,
  // a search past its budget), joined by "; ".
  std::string unknown_reason;

  std::map<std::string, FStats> by_f;  // read, write, cas
  double availability = 1;             // ok completions / client invocations
  std::vector<std::string> stats_problems;
  std::string availability_problem;
  int64_t history_entries = 0;  // client invocations and completions
  int64_t client_invocations = 0;
};

struct LinKvCheckOptions {
  // The search's budget: configurations explored per key, and wall-clock
  // seconds for the whole check (0: none). Past either, a key is :unknown.
  // A configuration costs about 80 bytes and 2 us (checker/linearizability/
  // README.md), so the default bounds a key at about 800 MB and 20 s; the
  // histories Maelstrom's workload makes need a few thousand.
  int64_t states_max_per_key = 10'000'000;
  double time_budget_s = 0;
  int threads = 0;  // keys searched in parallel; 0: one per core
  // Keys whose violation is described in full (the others are counted).
  size_t violations_max = 8;
  // Maelstrom's --availability: none, `total` (1.0) or a lower bound.
  std::optional<double> availability_min;
  bool nil_read_matches_any = false;
};

LinKvCheckResult check_linkv(const LinKvHistory& history, const LinKvCheckOptions& options = {});

// The result as JSON; objects have sorted keys, so the text is stable.
nlohmann::json to_json(const LinKvCheckResult& result);

// Human-readable: the verdict line first (the workload's verdict and the
// stats rule named apart), each bad key's window, then per-f counts and
// latencies, then availability.
std::string format_report(const LinKvCheckResult& result);

}  // namespace eddy::checker
