// Level 2 of the linearizability search: a whole keyed history as Jepsen
// writes it (invocations and completions of read/write/cas on independent
// keys, in the order they happened), checked key by key under one budget.
// Both of Eddy's callers (the node's verify_linearizability RPC and the
// lin-kv checker) share this pairing logic.
//
// Pairing: a completion belongs to the invocation in flight on its process
// (a process has at most one). Write and cas arguments come from the
// invocation (a completion's may be missing, e.g. `:timed-out`); a read's
// value from its ok completion. `:fail` never happened and is dropped (with
// Semantics::failed_cas_observed, a failed cas becomes a kFailedCas
// observation instead); `:info` and invocations never completed have an
// unknown outcome. A key's ops take their event positions as times and the
// invocation's position as id.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "checker/linearizability/register_check.h"
#include "checker/linearizability/register_op.h"
#include "core/result.h"

namespace eddy::lin {

enum class EventType : uint8_t { kInvoke, kOk, kFail, kInfo };

struct HistoryEvent {
  int64_t process = 0;
  EventType type = EventType::kInvoke;
  RegisterF f = RegisterF::kRead;  // kRead, kWrite or kCas
  int32_t key = 0;                 // interned by the caller
  // read: the value read (ok completions); write: the value; cas: from, to.
  ValueId arg1 = kNil;
  ValueId arg2 = kNil;
  bool has_arg1 = false;  // false: no value at all (a read invocation, `:timed-out`)
  // The event's position in the caller's own history, for error messages
  // (an RPC's array may hold records that are not events); -1: its index in
  // the span given here.
  int64_t origin = -1;
};

// Bad input, at the 0-based position of the offending event.
struct HistoryError {
  int64_t position = 0;
  std::string message;
};

// The ops of each key, by key id, ready for check_register: the pairing
// above, with ids and times that are positions in `events`.
using KeyOps = std::map<int32_t, std::vector<RegisterOp>>;

// Pairs the events (the rules above) without searching. Errors name the
// event's origin (or index) and, in the message, the other event's.
core::Result<KeyOps, HistoryError> pair_history(std::span<const HistoryEvent> events,
                                                const Semantics& semantics = {});

struct KeyResult {
  int32_t key = 0;
  // Ids are invocation positions; Failure::complete_time is the completion's.
  SearchResult result;
};

struct HistoryResult {
  // kNotLinearizable if any key is; else kUnknown if any key is; else
  // kLinearizable.
  Verdict verdict = Verdict::kLinearizable;
  std::vector<KeyResult> keys;  // by key id
  int64_t states_explored = 0;
};

// Checks every key in key order. limits.states_max bounds the whole history:
// each key gets what the keys before it left, and a key reached with nothing
// left is kUnknown without a search. Never a guess.
core::Result<HistoryResult, HistoryError> check_history(std::span<const HistoryEvent> events,
                                                        const SearchLimits& limits,
                                                        const Semantics& semantics = {});

}  // namespace eddy::lin
