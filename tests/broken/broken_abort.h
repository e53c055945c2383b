// broken:abort and broken:hang: kafka strategies whose node process dies or
// never returns. Each is gossip, except that each node, on its first request,
// with chance 1/4 (drawn from the node's seeded Rng, so a seed replays it)
// writes one line to stderr and then calls abort() (broken:abort) or waits
// forever (broken:hang). They are kept to prove that a fuzz campaign
// (sim/fuzz_campaign.h) reports a scenario that crashes its worker as a FAIL
// with that line, kills one that runs over --scenario-timeout, and carries
// on with the other seeds. Not in broken_variant_names(): the tests that run
// those in-process would die or hang with them.
#pragma once

namespace eddy::broken {

inline constexpr const char* kAbortVariant = "broken:abort";
inline constexpr const char* kHangVariant = "broken:hang";

void register_broken_abort_variant();

}  // namespace eddy::broken
