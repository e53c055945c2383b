// Broken Raft nodes: the raft strategy (core/kv/raft_kv.h) with one
// deliberate bug each, kept to prove that the simulator's cross-node
// invariants (sim/raft_invariants.h) and the linearizability checker catch
// what they must:
//
//   broken:raft-commit-old-term    commits a previous term's entry by counting
//                                  replicas (the Raft paper's figure 8)
//   broken:raft-two-votes          grants a vote to every candidate in a term
//   broken:raft-stale-read         serves a read from the leader's state
//                                  without confirming its leadership
//   broken:raft-ack-before-commit  applies and answers a write as soon as it
//                                  is in the leader's log, before it commits
#pragma once

#include <string>
#include <vector>

namespace eddy::broken {

void register_broken_raft_variants();
std::vector<std::string> broken_raft_variant_names();

}  // namespace eddy::broken
