// render_anomalies: turns the cases found into CheckResult::anomalies, each
// with its count and a few examples as compact JSON. Internal to the checker.
//
// Which examples (Jepsen's `condense-error`, with examples_max for its 8 and
// 32): nonmonotonic ones with the smallest deltas, skips with the largest,
// duplicate and inconsistent-offsets with the fewest offsets / values, every
// other type in the order found (history order, keys in key order). Sorts are
// stable, so ties keep that order.
#pragma once

#include <map>
#include <string>

#include "checker/anomaly_cases.h"
#include "checker/history.h"
#include "checker/history_index.h"
#include "checker/kafka_checker.h"
#include "checker/version_order.h"

namespace eddy::checker::detail {

std::map<std::string, Anomaly> render_anomalies(const History& history, const HistoryIndex& index,
                                                const VersionOrder& order, const Cases& cases,
                                                const CheckOptions& options);

}  // namespace eddy::checker::detail
