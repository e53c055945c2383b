// Level 1 of the linearizability search: is one register's history
// linearizable under the cas-register model (register_op.h)?
//
// The answer is exact: kLinearizable and kNotLinearizable are proofs; kUnknown
// only means that the budget (SearchLimits) ran out first. (If it runs out
// after non-linearizability is proved, the verdict stands and the failure
// says its window is not the smallest.) The search is
// deterministic: the same ops and limits give the same result, field for
// field. How it works and why it is exact: README.md in this folder.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/linearizability/register_op.h"

namespace eddy::lin {

struct SearchLimits {
  // Configurations the search may generate, in all (every phase counts).
  // Memory grows with it: up to a few hundred bytes each (README.md).
  int64_t states_max = 1'000'000;
  // Polled every kStopPollStates configurations; returning true stops the
  // search as running out of states does. May be empty. The library never
  // reads a clock: a caller that wants a deadline checks its own clock here.
  std::function<bool()> should_stop;
};

inline constexpr int64_t kStopPollStates = 1024;

enum class Verdict : uint8_t { kLinearizable, kNotLinearizable, kUnknown };

const char* to_string(Verdict verdict);

// Why a history is not linearizable, as the smallest window: the first
// completion that no linearization of everything before it can place.
struct Failure {
  // The op whose completion could not be reached, and when it completed.
  int64_t op_id = 0;
  int64_t complete_time = 0;
  // Ids of the searched ops whose real-time interval overlaps op_id's,
  // unknown-outcome ops included, sorted. (Dropped ops, see README.md, are
  // not listed: nothing about them could matter.)
  std::vector<int64_t> concurrent;
  // Every value the register could hold just before the op had to take
  // effect, sorted (kNil first when present).
  std::vector<ValueId> values_before;
  // False only when the budget ran out after non-linearizability was proved
  // but before the window was narrowed: then the history cannot be
  // linearized up to op_id's completion, the first completion that cannot
  // be placed may be earlier, and values_before is a superset (the values
  // the relaxation of README.md allows there). unknown_reason says so.
  bool window_exact = true;

  friend bool operator==(const Failure&, const Failure&) = default;
};

struct SearchResult {
  Verdict verdict = Verdict::kUnknown;
  int64_t states_explored = 0;
  // kUnknown: which limit stopped the search (also set for a
  // kNotLinearizable whose failure window is not exact).
  std::string unknown_reason;
  // kNotLinearizable only.
  std::optional<Failure> failure;

  friend bool operator==(const SearchResult&, const SearchResult&) = default;
};

// Checks one register's ops, in any order. Precondition (asserted): every op
// has invoke_time < complete_time.
SearchResult check_register(std::span<const RegisterOp> ops, const SearchLimits& limits,
                            const Semantics& semantics = {});

}  // namespace eddy::lin
