// broken:abort: a kafka strategy whose node process dies. It is gossip, except
// that each node, on its first request, calls abort() with chance 1/4 (drawn
// from the node's seeded Rng, so a seed replays it), after writing one line
// to stderr. It is kept to prove that a fuzz campaign (sim/fuzz_campaign.h)
// reports a scenario that crashes its worker as a FAIL with that line, and
// carries on with the other seeds. Not in broken_variant_names(): the tests
// that run those in-process would die with it.
#pragma once

namespace eddy::broken {

inline constexpr const char* kAbortVariant = "broken:abort";

void register_broken_abort_variant();

}  // namespace eddy::broken
