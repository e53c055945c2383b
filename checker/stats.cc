#include "checker/stats.h"

#include <algorithm>
#include <array>

#include "checker/history_index.h"

namespace eddy::checker::detail {
namespace {

constexpr size_t kFs = 4;  // send, poll, assign, crash: the client fs

// The 1-based nearest rank of a per-mille quantile among n samples, in
// integers so that 0.95 * 20 is exactly 19: ceil(per_mille * n / 1000).
size_t rank_of(size_t per_mille, size_t n) {
  return std::max<size_t>(1, (per_mille * n + 999) / 1000);
}

// Selects ranks in increasing order with nth_element, which leaves the
// samples before each selected one smaller: O(n) instead of a sort.
class RankSelector {
 public:
  explicit RankSelector(std::vector<int64_t>& samples) : samples_(samples) {}
  double ms_at(size_t rank) {
    if (rank > selected_) {
      std::nth_element(samples_.begin() + static_cast<std::ptrdiff_t>(selected_),
                       samples_.begin() + static_cast<std::ptrdiff_t>(rank - 1), samples_.end());
      selected_ = rank;
    }
    return static_cast<double>(samples_[rank - 1]) / 1000.0;
  }

 private:
  std::vector<int64_t>& samples_;
  size_t selected_ = 0;  // samples_[0, selected_) are the selected_ smallest
};

struct PerF {
  FStats stats;
  std::vector<int64_t> ok_us;
  std::vector<int64_t> all_us;
  bool seen = false;
};

}  // namespace

LatencyStats latency_stats(std::vector<int64_t>& latencies_us) {
  LatencyStats stats;
  const size_t n = latencies_us.size();
  stats.count = static_cast<int64_t>(n);
  if (n == 0) return stats;
  RankSelector select(latencies_us);
  stats.p50_ms = select.ms_at(rank_of(500, n));
  stats.p95_ms = select.ms_at(rank_of(950, n));
  stats.p99_ms = select.ms_at(rank_of(990, n));
  stats.max_ms = select.ms_at(n);
  return stats;
}

StatsSummary compute_stats(const History& history, const std::vector<int32_t>& invocation_of) {
  StatsSummary summary;
  std::array<PerF, kFs> per_f;
  int64_t oks = 0;
  for (size_t i = 0; i < history.size(); ++i) {
    const Op& op = history[i];
    if (!is_client_op(op)) continue;
    ++summary.entries;
    PerF& f = per_f[static_cast<size_t>(op.f)];
    f.seen = true;
    if (op.type == OpType::kInvoke) {
      ++f.stats.invoke;
      ++summary.invocations;
      continue;
    }
    (op.type == OpType::kOk     ? f.stats.ok
     : op.type == OpType::kFail ? f.stats.fail
                                : f.stats.info)++;
    if (op.type == OpType::kOk) ++oks;
    const int32_t invocation = invocation_of[i];
    if (invocation == kNone) continue;
    const int64_t latency_us = op.time_us - history[static_cast<size_t>(invocation)].time_us;
    f.all_us.push_back(latency_us);
    if (op.type == OpType::kOk) f.ok_us.push_back(latency_us);
  }
  for (size_t f = 0; f < kFs; ++f) {
    PerF& entry = per_f[f];
    if (!entry.seen) continue;
    entry.stats.latency_ok = latency_stats(entry.ok_us);
    entry.stats.latency_all = latency_stats(entry.all_us);
    const std::string name(to_string(static_cast<OpF>(f)));
    const FStats& stats = entry.stats;
    const int64_t completions = stats.ok + stats.fail + stats.info;
    if (static_cast<OpF>(f) != OpF::kCrash && completions > 0 && stats.ok == 0) {
      summary.problems.push_back(name + ": no ok completion (" + std::to_string(stats.info) +
                                 " info, " + std::to_string(stats.fail) + " fail)");
    }
    summary.by_f.emplace(name, stats);
  }
  summary.availability = summary.invocations == 0
                             ? 1.0
                             : static_cast<double>(oks) / static_cast<double>(summary.invocations);
  return summary;
}

}  // namespace eddy::checker::detail
