// nonmonotonic-commit: Eddy's check that committed offsets never go
// backwards, as a client of one node sees them. It is not one of Jepsen's
// anomalies (Maelstrom's client never reads committed offsets back), so it
// is reported under its own name, and it makes a run invalid.
//
// The rule, per node: once an ok poll has completed (its client then
// committed, per key with records, the highest offset it polled), or a
// list_committed_offsets has answered offset c for key k, any
// list_committed_offsets invoked later on the same node must answer at
// least that offset for k, and must not omit k. Assigns whose history line
// does not record the answer (`committed`) are not checked.
#pragma once

#include "checker/history.h"
#include "checker/kafka_checker.h"

namespace eddy::checker::detail {

inline constexpr std::string_view kNonmonotonicCommit = "nonmonotonic-commit";

// The anomaly (count 0 when none), with up to examples_max examples.
Anomaly find_nonmonotonic_commits(const History& history, const CheckOptions& options);

}  // namespace eddy::checker::detail
