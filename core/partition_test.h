// Seed 003's partition_test RPC, which every node answers whatever its
// strategy (docs/partition-test.md):
//
//   {"type": "partition_test", "msg_id": 1, "cluster_size": 5, "operations": 100,
//    "partition_after_op": 30, "heal_after_op": 70}
//   -> {"type": "partition_test_ok", "in_reply_to": 1, "total_ops": 100,
//       "ops_during_partition": 40, "ops_succeeded": 83, "ops_rejected": 12,
//       "linearizable": true, "violations": [], ...}
//
// The node runs, inside its own step, a simulated cluster of `cluster_size`
// nodes of the raft strategy (core/sim_cluster.h) in virtual time, drives
// `operations` lin-kv ops through it with Maelstrom's clients
// (core/sim_kv_clients.h), cuts the leader off in a minority once
// `partition_after_op` ops were invoked and heals once `heal_after_op` were,
// and checks the history with verify_linearizability's check. One seed
// decides every choice: the reply names it, and the same request with
// "seed" set to it replays the run exactly, on any node.
//
// Answers: partition_test_ok; error 12 (malformed-request) for arguments out
// of range; error 13 (crash, indefinite) when the check ran out of its budget
// (Limits::verify_search_states_max) before deciding.
#pragma once

#include <optional>
#include <string>

#include "core/kv/raft_kv.h"
#include "core/limits.h"
#include "core/message.h"
#include "core/random.h"

namespace eddy::core {

// Ops are invoked at random intervals, uniform in [0, 2 x mean], as
// Maelstrom's stagger does at --rate 20: slow enough that a partition of a
// few dozen ops outlasts an election (400-800 ms), fast enough that 100 ops
// take about 5 s of virtual time.
inline constexpr int64_t kPartitionTestOpIntervalMsMean = 50;
// The cluster elects its first leader before any op is invoked (so that
// partition_after_op = 0 cuts off a real leader); it gets this long.
inline constexpr int64_t kPartitionTestWarmUpMsMax = 10'000;

// Why the request cannot run (error 12's text), or nullopt when it can.
std::optional<std::string> validate_partition_test(const PartitionTestBody& request,
                                                   const Limits& limits);

// Runs a valid request with `seed` (the request's own seed is not read):
// partition_test_ok, or error 13 when the check could not decide. `options`
// are the simulated nodes' (the defaults, but in tests of broken variants).
Body run_partition_test(const PartitionTestBody& request, const Limits& limits, int64_t seed,
                        const kv::RaftKvOptions& options = {});

// The whole answer: validates, takes the request's seed or draws one from
// `rng` (53 bits, so that any JSON reader holds it exactly), runs.
Body answer_partition_test(const PartitionTestBody& request, const Limits& limits, Rng& rng);

}  // namespace eddy::core
