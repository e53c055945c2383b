#include "checker/stats.h"

#include <algorithm>
#include <utility>

#include "checker/history_index.h"

namespace eddy::checker::detail {
namespace {

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

StatsAccumulator::StatsAccumulator(std::vector<std::string> f_names, int exempt_f)
    : names_(std::move(f_names)), exempt_f_(exempt_f), per_f_(names_.size()) {}

void StatsAccumulator::add_invocation(size_t f) {
  PerF& entry = per_f_[f];
  entry.seen = true;
  ++entry.stats.invoke;
  ++summary_.entries;
  ++summary_.invocations;
}

void StatsAccumulator::add_completion(size_t f, OpType type, std::optional<int64_t> latency_us) {
  PerF& entry = per_f_[f];
  entry.seen = true;
  ++summary_.entries;
  (type == OpType::kOk     ? entry.stats.ok
   : type == OpType::kFail ? entry.stats.fail
                           : entry.stats.info)++;
  if (type == OpType::kOk) ++oks_;
  if (!latency_us) return;
  entry.all_us.push_back(*latency_us);
  if (type == OpType::kOk) entry.ok_us.push_back(*latency_us);
}

StatsSummary StatsAccumulator::finish() {
  for (size_t f = 0; f < per_f_.size(); ++f) {
    PerF& entry = per_f_[f];
    if (!entry.seen) continue;
    entry.stats.latency_ok = latency_stats(entry.ok_us);
    entry.stats.latency_all = latency_stats(entry.all_us);
    const FStats& stats = entry.stats;
    const int64_t completions = stats.ok + stats.fail + stats.info;
    if (static_cast<int>(f) != exempt_f_ && completions > 0 && stats.ok == 0) {
      summary_.problems.push_back(names_[f] + ": no ok completion (" + std::to_string(stats.info) +
                                  " info, " + std::to_string(stats.fail) + " fail)");
    }
    summary_.by_f.emplace(names_[f], stats);
  }
  summary_.availability = summary_.invocations == 0 ? 1.0
                                                    : static_cast<double>(oks_) /
                                                          static_cast<double>(summary_.invocations);
  return std::move(summary_);
}

std::string availability_shortfall(double ok_fraction,
                                   const std::optional<double>& availability_min) {
  if (!availability_min || ok_fraction >= *availability_min) return "";
  return "ok fraction " + std::to_string(ok_fraction) + " is below the required " +
         std::to_string(*availability_min);
}

namespace {

std::vector<std::string> kafka_f_names() {
  std::vector<std::string> names;
  for (const OpF f : {OpF::kSend, OpF::kPoll, OpF::kAssign, OpF::kCrash}) {
    names.emplace_back(to_string(f));
  }
  return names;
}

}  // namespace

KafkaStatsPass::KafkaStatsPass() : stats_(kafka_f_names(), static_cast<int>(OpF::kCrash)) {}

void KafkaStatsPass::add(const Op& op) {
  if (!is_client_op(op)) return;
  const auto f = static_cast<size_t>(op.f);
  InFlight& in_flight = in_flight_[op.process];
  if (op.type == OpType::kInvoke) {
    in_flight = InFlight{true, op.time_us};
    stats_.add_invocation(f);
    return;
  }
  stats_.add_completion(
      f, op.type,
      in_flight.pending ? std::optional<int64_t>(op.time_us - in_flight.invoked_us) : std::nullopt);
  in_flight.pending = false;
}

StatsSummary KafkaStatsPass::finish() && { return stats_.finish(); }

StatsSummary compute_stats(const History& history) {
  KafkaStatsPass pass;
  for (const Op& op : history) pass.add(op);
  return std::move(pass).finish();
}

}  // namespace eddy::checker::detail
