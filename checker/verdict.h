// What every checker's result shares: Jepsen's three-valued verdict, and the
// per-f counts and latency quantiles of Maelstrom's stats checker.
#pragma once

#include <cstdint>
#include <string_view>

namespace eddy::checker {

// Jepsen's :valid? values: true, false and :unknown (a checker that threw).
enum class Validity { kValid, kInvalid, kUnknown };
std::string_view to_string(Validity validity);

// The worse of two verdicts, as Jepsen's merge-valid: invalid beats unknown
// beats valid.
Validity worst(Validity a, Validity b);

// Latencies of completed ops (completion time - invocation time), nearest-rank
// quantiles: the q-quantile of n sorted samples is sample ceil(q*n) (1-based).
struct LatencyStats {
  int64_t count = 0;
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
};

struct FStats {
  int64_t invoke = 0, ok = 0, fail = 0, info = 0;
  LatencyStats latency_ok;   // ok completions
  LatencyStats latency_all;  // every completion that has an invocation
};

}  // namespace eddy::checker
