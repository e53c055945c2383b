// make_synthetic_history: a deterministic kafka history shaped like a
// Maelstrom run of a correct node, for the checker's benchmark and tests. It
// does not simulate a network or a node; it keeps one correct log and lets
// worker threads act on it:
//  - main phase: send / poll (50/50), assign (1 key, plus lagging keys a third
//    of the time) and crash ops, from `threads` workers with one op in flight
//    each; about `active_keys` keys in use at a time, `sends_per_key` messages
//    1, 2, 3... per key; offsets from one global counter, so each key's
//    offsets have gaps (which are not skips); a few info sends and polls
//    (each ends its process), half of the info sends appended anyway;
//  - nemesis ops now and then (the checker must ignore them);
//  - final phase: each thread crashes, assigns every key with
//    seek_to_beginning and polls until it has read every key to its end.
// The same options give the same history. Every check passes on it.
#pragma once

#include <cstdint>

#include "checker/history.h"

namespace eddy::checker {

struct SyntheticOptions {
  uint64_t seed = 1;
  int64_t completed_ops = 10'000;  // client completions of the main phase
  int threads = 6;
  int active_keys = 40;
  int sends_per_key = 16;
  double assign_p = 1.0 / 8;
  double crash_p = 1.0 / 100;
  double info_p = 1.0 / 200;
  int poll_records_max = 8;      // records per key in one poll reply
  int64_t nemesis_every = 4096;  // history entries between nemesis ops
};

History make_synthetic_history(const SyntheticOptions& options);

}  // namespace eddy::checker
