// A brute-force linearizability oracle for small register histories (tests
// only): it tries every order of every subset of the unknown-outcome ops,
// with no cleverness, so that it is obviously right; the engine must agree
// with it. Exponential: keep histories to about 7 ops.
//
// oracle_check also finds the failure window the engine reports, by its
// definition: the first completion time t at which the history cut at t
// (ops invoked before t; ops completing after t as unknown-outcome ones) is
// not linearizable; the op completing at t; and every final state of a legal
// order of the ops completed before t plus any of those pending at t, the
// failing op left out.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <vector>

#include "checker/linearizability/register_op.h"

namespace eddy::lin::testing {

struct OracleResult {
  bool linearizable = true;
  int64_t failing_op_id = 0;
  std::vector<ValueId> values_before;  // sorted
};

namespace oracle_detail {

inline bool legal(const RegisterOp& op, ValueId state, const Semantics& semantics) {
  switch (op.f) {
    case RegisterF::kRead:
      return op.arg1 == state || (semantics.nil_read_matches_any && op.arg1 == kNil);
    case RegisterF::kWrite:
      return true;
    case RegisterF::kCas:
      return op.arg1 == state;
    case RegisterF::kFailedCas:
      return op.arg1 != state;
  }
  return false;
}

inline ValueId next(const RegisterOp& op, ValueId state) {
  if (op.f == RegisterF::kWrite) return op.arg1;
  if (op.f == RegisterF::kCas) return op.arg2;
  return state;
}

// ops[i] is mandatory iff mandatory[i]; optional ops may be left out. Calls
// on_complete(state) for every legal order that places every mandatory op
// (and for every extension of it by optional ops); stops early when it
// returns true.
template <class OnComplete>
bool search(std::span<const RegisterOp> ops, const std::vector<bool>& mandatory,
            const Semantics& semantics, std::vector<bool>& placed, ValueId state,
            OnComplete& on_complete) {
  bool all_mandatory = true;
  for (size_t i = 0; i < ops.size(); ++i)
    all_mandatory = all_mandatory && (placed[i] || !mandatory[i]);
  if (all_mandatory && on_complete(state)) return true;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (placed[i] || !legal(ops[i], state, semantics)) continue;
    // Real time: every mandatory op that completed before i was invoked
    // must already be placed. (Optional ops complete "never".)
    bool ready = true;
    for (size_t j = 0; j < ops.size(); ++j) {
      if (!placed[j] && j != i && mandatory[j] && ops[j].complete_time < ops[i].invoke_time)
        ready = false;
    }
    if (!ready) continue;
    placed[i] = true;
    const bool done = search(ops, mandatory, semantics, placed, next(ops[i], state), on_complete);
    placed[i] = false;
    if (done) return true;
  }
  return false;
}

// The history cut at time `cut`: ops invoked by then (equal times are
// concurrent), those completing after it made optional. `leave_out` (an index, or -1) is dropped.
inline bool cut_linearizable(std::span<const RegisterOp> all, int64_t cut,
                             const Semantics& semantics, std::set<ValueId>* final_states,
                             int64_t leave_out) {
  std::vector<RegisterOp> ops;
  std::vector<bool> mandatory;
  for (size_t i = 0; i < all.size(); ++i) {
    if (static_cast<int64_t>(i) == leave_out || all[i].invoke_time > cut) continue;
    RegisterOp op = all[i];
    const bool completed = op.complete_time <= cut;
    if (!completed) op.complete_time = kNever;
    ops.push_back(op);
    mandatory.push_back(completed);
  }
  std::vector<bool> placed(ops.size(), false);
  // Without final_states, stop at the first complete order; with it, visit
  // them all.
  auto on_complete = [&](ValueId state) {
    if (final_states == nullptr) return true;
    final_states->insert(state);
    return false;
  };
  const bool found =
      search(std::span<const RegisterOp>(ops), mandatory, semantics, placed, kNil, on_complete);
  return final_states == nullptr ? found : !final_states->empty();
}

}  // namespace oracle_detail

inline OracleResult oracle_check(std::span<const RegisterOp> ops, const Semantics& semantics = {}) {
  std::vector<size_t> completed;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].complete_time != kNever) completed.push_back(i);
  }
  std::sort(completed.begin(), completed.end(),
            [&](size_t x, size_t y) { return ops[x].complete_time < ops[y].complete_time; });
  OracleResult result;
  for (const size_t x : completed) {
    const int64_t cut = ops[x].complete_time;
    if (oracle_detail::cut_linearizable(ops, cut, semantics, nullptr, -1)) continue;
    // Just before x had to take effect: the same cut with x left out.
    std::set<ValueId> states;
    oracle_detail::cut_linearizable(ops, cut, semantics, &states, static_cast<int64_t>(x));
    result.linearizable = false;
    result.failing_op_id = ops[x].id;
    result.values_before.assign(states.begin(), states.end());
    return result;
  }
  return result;
}

}  // namespace eddy::lin::testing
