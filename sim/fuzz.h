// Fuzzing: random scenarios (the swarm of TigerBeetle's VOPR: every run
// draws its own node count, rate, latency, delivery model and fault mix from
// its seed) and the judgement of a run.
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "sim/options.h"
#include "sim/run_check.h"

namespace eddy::sim {

// A scenario for `strategy` drawn from `seed` alone: the strategy's workload
// (one of them, from a stream of its own, for one that serves several), node
// count 1..5 (1 for the single strategy), concurrency 1..3 per node
// (lin-kv: 2n or 4n), rate 100..10000 ops/s (log-uniform), a main phase of
// 1..3 s, latency 0..100 ms in any distribution, either delivery model, and
// each of Maelstrom's and Eddy's faults with some probability.
//
// A strategy that persists (strategy_persists) also draws, from a stream of
// its own, the crash nemesis, torn writes, a slow disk and clock skew; the
// others never do, so their scenarios are what they always were.
SimOptions random_scenario(const std::string& strategy, uint64_t seed);

// True for the strategies whose nodes emit PersistEffects and restore from
// them (Raft's), which alone can survive a crash: a crash of any other node
// loses its state by design.
bool strategy_persists(const std::string& strategy);

// What a run got wrong, in two kinds. Empty strings mean none.
struct Judgement {
  // Safety: an anomaly that makes the run invalid, an undecidable history,
  // an aborted run. A fuzz campaign fails on any.
  std::string safety;
  // Liveness: Maelstrom's stats rule (every f needs an ok). The campaign's
  // scenarios are short (1..3 s) and their faults severe, so a strategy that
  // needs a round trip (an election, a forward) may rightly serve nothing in
  // one; these are reported, not failed. Nodes paused or crashed by the
  // nemesis excuse it. Also kafka's `unseen` when it is the only anomaly
  // and no poll of the final phase read to the end of any key holding an
  // unseen send (see unseen_for_want_of_reads).
  std::string liveness;
};
Judgement judge(const SimOptions& options, const RunCheck& check, const SimResult& result);

// True when a kafka history has acknowledged sends that no ok poll returned
// (Jepsen's unseen), and no ok poll of the final phase read to the end of
// any key holding one (`read_to_end`, SimResult::final_read_to_end: each
// poll that asked for it returned a full page, or none was answered). Such
// sends were never shown missing, only not yet read: the cluster was too
// slow or unavailable. A node that lost a send yet answers the final polls
// reads out a short page of that key, and stays a safety failure (unseen,
// or lost-write when later sends follow).
bool unseen_for_want_of_reads(const checker::History& history,
                              const std::set<std::string>& read_to_end);

}  // namespace eddy::sim
