// walk_processes and walk_reads: the checks that follow the history in order,
// per process or per op. Internal to the checker. From jepsen tests/kafka.clj:
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

// Two passes, each filling case lists of its own, so that they may run on two
// threads at once; both need index.facts' version-order indices
// (build_version_order first).
//
// Per process: poll-skip and nonmonotonic polls against the process's last
// ok poll, nonmonotonic sends, realtime lag. Fills poll_skip,
// nonmonotonic_poll, nonmonotonic_send and worst_lag.
void walk_processes(const History& history, const HistoryIndex& index, Cases& cases);
// Per poll: each read against its writer, and consecutive records of a key.
// Fills phantom_read, g1a, g1c_realtime, int_poll_skip and
// int_nonmonotonic_poll.
void walk_reads(const History& history, const HistoryIndex& index, Cases& cases);

}  // namespace eddy::checker::detail
