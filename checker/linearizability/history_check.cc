// check_history: pairs invocations with completions per process, builds each
// key's RegisterOps, then runs check_register per key under a shared budget.
#include "checker/linearizability/history_check.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

namespace eddy::lin {
namespace {

// Where an event stands in the caller's history (HistoryEvent::origin).
int64_t origin_of(std::span<const HistoryEvent> events, size_t position) {
  const int64_t origin = events[position].origin;
  return origin >= 0 ? origin : static_cast<int64_t>(position);
}

const char* name_of(RegisterF f) {
  switch (f) {
    case RegisterF::kRead:
      return "read";
    case RegisterF::kWrite:
      return "write";
    case RegisterF::kCas:
      return "cas";
    case RegisterF::kFailedCas:
      return "failed-cas";
  }
  return "?";
}

// The op a completed invocation stands for, or nothing when it is dropped.
bool op_of(const HistoryEvent& invoke, const HistoryEvent& completion, size_t invoke_position,
           size_t position, const Semantics& semantics, RegisterOp& op) {
  op = RegisterOp{invoke.f,
                  invoke.arg1,
                  invoke.arg2,
                  static_cast<int64_t>(invoke_position),
                  static_cast<int64_t>(position),
                  static_cast<int64_t>(invoke_position)};
  switch (completion.type) {
    case EventType::kOk:
      if (op.f == RegisterF::kRead) op.arg1 = completion.arg1;
      return true;
    case EventType::kFail:
      // Maelstrom and Knossos: a failed op never happened. Porcupine's etcd
      // model: a failed cas saw a value other than `from`.
      if (!semantics.failed_cas_observed || op.f != RegisterF::kCas) return false;
      op.f = RegisterF::kFailedCas;
      return true;
    case EventType::kInfo:
      op.complete_time = kNever;
      return true;
    case EventType::kInvoke:
      break;
  }
  return false;
}

}  // namespace

core::Result<KeyOps, HistoryError> pair_history(std::span<const HistoryEvent> events,
                                                const Semantics& semantics) {
  const auto error_at = [&](size_t position, std::string message) {
    return core::Err{HistoryError{origin_of(events, position), std::move(message)}};
  };
  KeyOps ops;
  // Process -> position of its invocation in flight. Lookups only: the
  // order of this map never reaches the output.
  std::unordered_map<int64_t, size_t> in_flight;
  for (size_t position = 0; position < events.size(); ++position) {
    const HistoryEvent& event = events[position];
    if (event.f == RegisterF::kFailedCas)
      return error_at(position, "failed-cas is not an op a history can contain");
    if (event.type == EventType::kInvoke) {
      const auto [it, inserted] = in_flight.emplace(event.process, position);
      if (!inserted) {
        return error_at(position, "process " + std::to_string(event.process) +
                                      " invoked an op while its op at position " +
                                      std::to_string(origin_of(events, it->second)) +
                                      " was in flight");
      }
      if (event.f != RegisterF::kRead && !event.has_arg1)
        return error_at(position, std::string(name_of(event.f)) + " invoked without a value");
      continue;
    }
    const auto it = in_flight.find(event.process);
    if (it == in_flight.end()) {
      return error_at(position, "completion on process " + std::to_string(event.process) +
                                    ", which has no op in flight");
    }
    const size_t invoke_position = it->second;
    const HistoryEvent& invoke = events[invoke_position];
    in_flight.erase(it);
    if (invoke.f != event.f) {
      return error_at(position, std::string(name_of(event.f)) + " completion of the " +
                                    name_of(invoke.f) + " invoked at position " +
                                    std::to_string(origin_of(events, invoke_position)));
    }
    if (invoke.key != event.key) {
      return error_at(position, std::string(name_of(event.f)) +
                                    " completion on another key than the op invoked at position " +
                                    std::to_string(origin_of(events, invoke_position)));
    }
    if (event.type == EventType::kOk && event.f == RegisterF::kRead && !event.has_arg1)
      return error_at(position, "ok read without a value");
    RegisterOp op;
    if (op_of(invoke, event, invoke_position, position, semantics, op))
      ops[invoke.key].push_back(op);
  }
  // Never completed: the outcome is unknown, as with :info. Sorted, so that
  // the hash map's order never reaches the ops.
  std::vector<size_t> never_completed;
  for (const auto& [process, invoke_position] : in_flight)
    never_completed.push_back(invoke_position);
  std::sort(never_completed.begin(), never_completed.end());
  for (const size_t invoke_position : never_completed) {
    const HistoryEvent& invoke = events[invoke_position];
    const auto position = static_cast<int64_t>(invoke_position);
    ops[invoke.key].push_back(
        RegisterOp{invoke.f, invoke.arg1, invoke.arg2, position, kNever, position});
  }
  return ops;
}

core::Result<HistoryResult, HistoryError> check_history(std::span<const HistoryEvent> events,
                                                        const SearchLimits& limits,
                                                        const Semantics& semantics) {
  auto paired = pair_history(events, semantics);
  if (!paired.ok()) return core::Err{paired.error()};

  HistoryResult history;
  bool any_unknown = false;
  bool any_violation = false;
  std::string stopped;  // why an earlier key's search stopped, if one did
  for (const auto& [key, ops] : paired.value()) {
    KeyResult key_result{key, {}};
    const int64_t left = limits.states_max - history.states_explored;
    if (!stopped.empty() || left <= 0) {
      key_result.result.verdict = Verdict::kUnknown;
      key_result.result.unknown_reason =
          "not searched: " +
          (stopped.empty() ? "the history's state budget of " + std::to_string(limits.states_max) +
                                 " configurations ran out"
                           : stopped);
    } else {
      const SearchLimits key_limits{left, limits.should_stop};
      key_result.result = check_register(ops, key_limits, semantics);
      if (key_result.result.verdict == Verdict::kUnknown)
        stopped = "the search of key " + std::to_string(key) + " stopped (" +
                  key_result.result.unknown_reason + ")";
    }
    history.states_explored += key_result.result.states_explored;
    any_unknown = any_unknown || key_result.result.verdict == Verdict::kUnknown;
    any_violation = any_violation || key_result.result.verdict == Verdict::kNotLinearizable;
    history.keys.push_back(std::move(key_result));
  }
  history.verdict = any_violation ? Verdict::kNotLinearizable
                    : any_unknown ? Verdict::kUnknown
                                  : Verdict::kLinearizable;
  return history;
}

}  // namespace eddy::lin
