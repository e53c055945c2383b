// walk_history: the checks that follow the history in order, per op or per
// process. Internal to the checker. From jepsen tests/kafka.clj:
//  - poll-skip+nonmonotonic-cases (per process, polls against the process's
//    last ok poll of the key; an ok/info assign keeps only assigned keys);
//  - nonmonotonic-send-cases (per process, ok/info sends; same assign rule);
//  - int-poll-skip+nonmonotonic-cases (consecutive records of one key in one
//    poll);
//  - g1a-cases; the wr + realtime cycles Elle would find (G1c-realtime); a
//    read with no writer (Jepsen throws no-writer-of-value);
//  - realtime-lag and worst-realtime-lag.
#pragma once

#include "checker/anomaly_cases.h"
#include "checker/history.h"
#include "checker/history_index.h"

namespace eddy::checker::detail {

// Needs index.facts' version-order indices (build_version_order first).
void walk_history(const History& history, const HistoryIndex& index, Cases& cases);

}  // namespace eddy::checker::detail
