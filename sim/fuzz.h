// Fuzzing: random scenarios (the swarm of TigerBeetle's VOPR: every run
// draws its own node count, rate, latency, delivery model and fault mix from
// its seed) and the judgement of a run.
#pragma once

#include <cstdint>
#include <string>

#include "checker/kafka_checker.h"
#include "sim/options.h"

namespace eddy::sim {

// A scenario for `strategy` drawn from `seed` alone: node count 1..5 (1 for
// the single strategy), rate 100..10000 ops/s (log-uniform), a main phase of
// 1..3 s, latency 0..100 ms in any distribution, either delivery model, and
// each of Maelstrom's and Eddy's faults with some probability.
SimOptions random_scenario(const std::string& strategy, uint64_t seed);

// Why a run fails, or empty if it passes. Safety always counts (an anomaly
// that makes the run invalid, an undecidable history, an aborted run);
// liveness (Maelstrom's stats rule: every f needs an ok) only when no node
// was paused, since a node paused for most of a short run may serve nothing.
std::string judge(const SimOptions& options, const checker::CheckResult& check,
                  const std::string& abort_reason);

}  // namespace eddy::sim
