// check_register: the phases of one register's check, each spending from one
// budget (search_budget.h).
//
//  1. The direct search: the exact search (exact_search.h) from the start to
//     the end of the history, capped at a few configurations per level.
//     Most histories end here: a linearizable one is found greedily, and a
//     non-linearizable one whose refutation is small is refuted
//     exhaustively, which also gives the failure window.
//  2. The relaxation (relaxed_graph.h): unknown ops reusable at will. If it
//     cannot get past some completion, the history is not linearizable.
//  3. If it can, the exact search again, pruned by the relaxation: it finds
//     a linearization, or proves that some unknown op would be needed twice.
//  4. The window: the first completion no exact configuration gets past is
//     the highest level the exact search can reach; found by probing levels
//     (the relaxation's failed level first), each probe a pruned search.
//  5. The values before it: the states around one configuration found
//     there, then, for each other state the relaxation allows there, a
//     pruned search for an exact configuration holding it.
// Why each step is exact: README.md.
#include "checker/linearizability/register_check.h"

#include <algorithm>
#include <cassert>
#include <optional>

#include "checker/linearizability/check_tuning.h"
#include "checker/linearizability/exact_search.h"
#include "checker/linearizability/prepared_register.h"
#include "checker/linearizability/relaxed_graph.h"
#include "checker/linearizability/search_budget.h"

namespace eddy::lin {
namespace {

using detail::ExactSearch;
using detail::Goal;
using detail::PreparedRegister;
using detail::RelaxedGraph;
using detail::SearchBudget;
using Outcome = ExactSearch::Outcome;

class RegisterCheck {
 public:
  RegisterCheck(const PreparedRegister& prepared, const SearchLimits& limits,
                const detail::CheckTuning& tuning)
      : prepared_(prepared),
        budget_(limits),
        tuning_(tuning),
        levels_(static_cast<int32_t>(prepared.levels.size())) {}

  SearchResult run();

 private:
  SearchResult linearizable() const;
  SearchResult unknown() const;
  SearchResult not_linearizable(int32_t level, std::vector<ValueId> values, bool exact) const;
  // Phase 4: reached_ is the highest level known reachable; returns the
  // highest reachable level below `unreachable`, or nullopt if the budget
  // ran out.
  std::optional<int32_t> first_failing_level(int32_t unreachable);
  // Phase 5, for the failing level `level`, reached by reached_row_.
  std::optional<std::vector<ValueId>> values_before(int32_t level);
  // A pruned exact search toward `goal`.
  Outcome probe(const Goal& goal, ExactSearch& search);
  void note_reached(const ExactSearch& search);

  const PreparedRegister& prepared_;
  SearchBudget budget_;
  detail::CheckTuning tuning_;
  int32_t levels_;
  RelaxedGraph relaxed_;
  int32_t reached_ = -1;  // the highest level an exact configuration was seen at
  std::vector<uint32_t> reached_row_;
  // States of exact configurations seen at level reached_.
  std::vector<ValueId> reached_states_;
};

SearchResult RegisterCheck::run() {
  const Goal end{levels_, std::nullopt};
  ExactSearch direct(prepared_, budget_);
  // Without unknown ops the relaxation is the exact search: no cap.
  if (!prepared_.kinds.empty())
    budget_.cap_at(tuning_.direct_states_per_level * (levels_ + 1) + tuning_.direct_states_base);
  const Outcome outcome = direct.run(end);
  budget_.uncap();
  if (outcome == Outcome::kReached) return linearizable();
  if (outcome == Outcome::kExhausted)
    return not_linearizable(direct.deepest_level(), direct.deepest_states(), true);
  if (budget_.exhausted()) return unknown();
  note_reached(direct);

  if (!relaxed_.build(prepared_, budget_)) return unknown();
  int32_t unreachable = relaxed_.failed_level() + 1;
  if (relaxed_.failed_level() < 0) {
    ExactSearch pruned(prepared_, budget_);
    const Outcome full = probe(end, pruned);
    if (full == Outcome::kReached) return linearizable();
    if (full == Outcome::kStopped) return unknown();
    // Not linearizable, though the relaxation is: some unknown op would
    // have to take effect twice.
    note_reached(pruned);
    unreachable = levels_;
  }

  const auto level = first_failing_level(unreachable);
  if (!level) {
    return not_linearizable(unreachable - 1, relaxed_.states_at(unreachable - 1), false);
  }
  auto values = values_before(*level);
  if (!values) return not_linearizable(*level, relaxed_.states_at(*level), false);
  return not_linearizable(*level, std::move(*values), true);
}

void RegisterCheck::note_reached(const ExactSearch& search) {
  if (search.deepest_level() > reached_) {
    reached_ = search.deepest_level();
    reached_row_ = search.deepest_row();
    reached_states_.clear();
  }
  if (search.deepest_level() == reached_) {
    const std::vector<ValueId> states = search.deepest_states();
    reached_states_.insert(reached_states_.end(), states.begin(), states.end());
  }
}

Outcome RegisterCheck::probe(const Goal& goal, ExactSearch& search) {
  const std::vector<bool> live = relaxed_.live_toward(goal);
  return search.run(goal, {}, &relaxed_, &live);
}

std::optional<int32_t> RegisterCheck::first_failing_level(int32_t unreachable) {
  // Reachability is monotone in the level; the relaxation's failed level is
  // the usual answer, so it is probed first.
  bool first = true;
  while (unreachable - reached_ > 1) {
    const int32_t level = first ? unreachable - 1 : reached_ + (unreachable - reached_) / 2;
    first = false;
    ExactSearch search(prepared_, budget_);
    switch (probe(Goal{level, std::nullopt}, search)) {
      case Outcome::kReached:
        note_reached(search);
        break;
      case Outcome::kExhausted:
        unreachable = level;
        break;
      case Outcome::kStopped:
        return std::nullopt;
    }
  }
  return reached_;
}

std::optional<std::vector<ValueId>> RegisterCheck::values_before(int32_t level) {
  // Everything around the configuration found: it cannot advance, so the
  // search toward the next level explores exactly its level.
  ExactSearch around(prepared_, budget_);
  const Outcome outcome = around.run(Goal{level + 1, std::nullopt}, reached_row_);
  if (outcome == Outcome::kStopped) return std::nullopt;
  assert(outcome == Outcome::kExhausted && around.deepest_level() == level);
  std::vector<ValueId> values = around.deepest_states();
  if (reached_ == level)
    values.insert(values.end(), reached_states_.begin(), reached_states_.end());
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  const std::vector<ValueId> seen = values;
  for (const ValueId state : relaxed_.states_at(level)) {
    if (std::binary_search(seen.begin(), seen.end(), state)) continue;
    // A tighter relaxation for this value: the unknown ops that could set
    // the register to it are counted, not reusable.
    std::vector<int32_t> producers;
    for (size_t k = 0; k < prepared_.kinds.size(); ++k) {
      const detail::Effect& effect = prepared_.kinds[k].effect;
      if (effect.next(effect.a) == state) producers.push_back(static_cast<int32_t>(k));
    }
    RelaxedGraph tighter;
    if (!tighter.build(prepared_, budget_, producers, level)) return std::nullopt;
    const Goal goal{level, state};
    const std::vector<bool> live = tighter.live_toward(goal);
    ExactSearch search(prepared_, budget_);
    const Outcome found = search.run(goal, {}, &tighter, &live);
    if (found == Outcome::kStopped) return std::nullopt;
    if (found == Outcome::kReached) values.push_back(state);
  }
  std::sort(values.begin(), values.end());
  return values;
}

SearchResult RegisterCheck::linearizable() const {
  SearchResult result;
  result.verdict = Verdict::kLinearizable;
  result.states_explored = budget_.used();
  return result;
}

SearchResult RegisterCheck::unknown() const {
  SearchResult result;
  result.verdict = Verdict::kUnknown;
  result.states_explored = budget_.used();
  result.unknown_reason = budget_.reason();
  return result;
}

SearchResult RegisterCheck::not_linearizable(int32_t level, std::vector<ValueId> values,
                                             bool exact) const {
  assert(level >= 0 && level < levels_);
  const detail::KnownOp& x =
      prepared_.known[static_cast<size_t>(prepared_.levels[static_cast<size_t>(level)].op)];
  Failure failure;
  failure.op_id = x.id;
  failure.complete_time = x.complete_time;
  for (const detail::KnownOp& op : prepared_.known) {
    if (&op != &x && op.invoke_time < x.complete_time && op.complete_time > x.invoke_time)
      failure.concurrent.push_back(op.id);
  }
  for (const detail::UnknownOp& op : prepared_.unknown) {
    if (op.invoke_time < x.complete_time) failure.concurrent.push_back(op.id);
  }
  std::sort(failure.concurrent.begin(), failure.concurrent.end());
  failure.values_before = std::move(values);
  failure.window_exact = exact;

  SearchResult result;
  result.verdict = Verdict::kNotLinearizable;
  result.states_explored = budget_.used();
  if (!exact) {
    result.unknown_reason = budget_.reason() +
                            " while narrowing the failure window; the history cannot be "
                            "linearized up to op " +
                            std::to_string(x.id) + "'s completion";
  }
  result.failure = std::move(failure);
  return result;
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::kLinearizable:
      return "linearizable";
    case Verdict::kNotLinearizable:
      return "not linearizable";
    case Verdict::kUnknown:
      return "unknown";
  }
  return "?";
}

SearchResult check_register(std::span<const RegisterOp> ops, const SearchLimits& limits,
                            const Semantics& semantics) {
  return detail::check_register_tuned(ops, limits, semantics, detail::CheckTuning{});
}

namespace detail {

SearchResult check_register_tuned(std::span<const RegisterOp> ops, const SearchLimits& limits,
                                  const Semantics& semantics, const CheckTuning& tuning) {
  const PreparedRegister prepared = prepare_register(ops, semantics);
  RegisterCheck check(prepared, limits, tuning);
  return check.run();
}

}  // namespace detail

}  // namespace eddy::lin
