// Seed 003's verify_linearizability RPC, which every node answers whatever
// its strategy (docs/verify-linearizability.md):
//
//   {"type": "verify_linearizability", "msg_id": 2, "history": [...]}
//   -> {"type": "verify_linearizability_ok", "in_reply_to": 2,
//       "linearizable": false, "violations": [{"key": 0, "op": 4, ...}]}
//
// The check (core/kv_history.h: one cas-register search per key) runs inside
// the node's step, bounded by Limits::verify_search_states_max so that it
// never stalls the node's other requests for long. Answers:
//  - verify_linearizability_ok when every key was decided;
//  - error 12 (malformed-request) when the records cannot be paired (a
//    completion with no invocation, ...), naming the first bad record;
//  - error 13 (crash, indefinite) when the budget ran out first: the
//    verdict is unknown, and a bigger budget (--verify-search-states-max)
//    may decide it.
#pragma once

#include "core/limits.h"
#include "core/message.h"

namespace eddy::core {

Body answer_verify_linearizability(const VerifyLinearizabilityBody& request, const Limits& limits);

}  // namespace eddy::core
