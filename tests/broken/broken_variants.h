// Broken kafka nodes, kept to prove that the simulator and the checker catch
// what they must. Each misbehaves now and then (its chance drawn from the
// node's own seeded Rng, so a seed replays it) in one specific way:
//
//   broken:lose-write        acknowledges a send but does not store it
//   broken:reuse-offset      acknowledges a send with the offset of the previous one
//   broken:skip-poll         leaves a record out of the middle of a poll reply
//   broken:commit-backwards  stores a commit even when it is lower than the last
//   broken:definite-error    stores a send, then answers error 11 (definite)
//
// and multi-node strategies with one bug each (caught within 50 seeds):
//
//   broken:gossip-poll-past-hole       polls ignore peers' watermarks
//   broken:gossip-overlapping-classes  every node allocates from class 0
//   broken:leader-definite-timeout     a forward that timed out gets error 11
//
// and the lin-kv proxy's variants of tests/broken/broken_kv.h, and broken:abort
// (tests/broken/broken_abort.h, registered here but not listed).
//
// eddy-sim and the tests register them with register_broken_variants(); the
// tests assert each is caught within 20 seeds.
#pragma once

#include <string>
#include <vector>

namespace eddy::broken {

// Registers every variant, kafka's and lin-kv's, with sim::register_strategy
// (idempotent).
void register_broken_variants();
// The kafka variants' strategy names ("broken:lose-write", ...).
std::vector<std::string> broken_variant_names();

}  // namespace eddy::broken
