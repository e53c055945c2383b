#include "checker/linkv_checker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "checker/stats.h"
#include "core/kv_history.h"

namespace eddy::checker {
namespace {

bool is_client_op(const LinKvOp& op) { return op.f != LinKvF::kNemesis; }

// The history as core's keyed-history check reads it (nemesis entries left
// out; positions are history indexes).
std::vector<core::KvHistoryRecord> records_of(const LinKvHistory& history) {
  std::vector<core::KvHistoryRecord> records;
  records.reserve(history.size());
  for (const LinKvOp& op : history) {
    if (!is_client_op(op)) continue;
    core::KvHistoryRecord record;
    record.process = op.process;
    record.type = static_cast<core::KvEventType>(op.type);
    record.f = static_cast<core::KvF>(op.f);
    record.key = op.key;
    record.value = op.value;
    if (op.f == LinKvF::kCas) {
      record.from = op.from;
      record.to = op.to;
    }
    record.position = op.index;
    record.error = op.error;
    records.push_back(std::move(record));
  }
  return records;
}

// Runs `work(i)` for i in [0, n) on up to `threads` threads; results are
// written by index, so their order never depends on the schedule.
template <class Work>
void parallel_for(size_t n, int threads, const Work& work) {
  const size_t workers =
      std::min(n, static_cast<size_t>(
                      threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) work(i);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) work(i);
    });
  }
  for (std::thread& thread : pool) thread.join();
}

Validity validity_of(lin::Verdict verdict) {
  switch (verdict) {
    case lin::Verdict::kLinearizable:
      return Validity::kValid;
    case lin::Verdict::kNotLinearizable:
      return Validity::kInvalid;
    case lin::Verdict::kUnknown:
      break;
  }
  return Validity::kUnknown;
}

LinKvKeyResult key_result_of(core::KvKeyVerdict verdict) {
  LinKvKeyResult key;
  key.key = verdict.key.to_json_text();
  key.validity = validity_of(verdict.verdict);
  key.ops = verdict.ops;
  key.states_explored = verdict.states_explored;
  key.unknown_reason = std::move(verdict.unknown_reason);
  if (verdict.violation) {
    LinearizabilityViolation violation;
    violation.op_index = verdict.violation->op;
    violation.completion_index = verdict.violation->completion;
    violation.concurrent = std::move(verdict.violation->concurrent);
    for (const core::Value& value : verdict.violation->values_before) {
      violation.values_before.push_back(value.to_json_text());
    }
    violation.description = std::move(verdict.violation->description);
    violation.window_exact = verdict.violation->window_exact;
    key.violation = std::move(violation);
  }
  return key;
}

}  // namespace

LinKvCheckResult check_linkv(const LinKvHistory& history, const LinKvCheckOptions& options) {
  LinKvCheckResult result;
  // Maelstrom's stats and availability over every client entry.
  detail::StatsAccumulator stats({"read", "write", "cas"}, /*exempt_f=*/-1);
  std::map<int64_t, int64_t> invoked_at_us;  // process -> time of its op in flight
  for (const LinKvOp& op : history) {
    if (!is_client_op(op)) continue;
    const auto f = static_cast<size_t>(op.f);
    if (op.type == OpType::kInvoke) {
      stats.add_invocation(f);
      invoked_at_us[op.process] = op.time_us;
      continue;
    }
    std::optional<int64_t> latency_us;
    if (const auto it = invoked_at_us.find(op.process); it != invoked_at_us.end()) {
      latency_us = op.time_us - it->second;
      invoked_at_us.erase(it);
    }
    stats.add_completion(f, op.type, latency_us);
  }
  detail::StatsSummary summary = stats.finish();
  result.by_f = std::move(summary.by_f);
  result.stats_problems = std::move(summary.problems);
  result.availability = summary.availability;
  result.history_entries = summary.entries;
  result.client_invocations = summary.invocations;
  result.availability_problem =
      detail::availability_shortfall(result.availability, options.availability_min);

  // The workload's checker: one linearizability search per key.
  core::KvCheckOptions search;
  search.states_max_per_key = options.states_max_per_key;
  search.nil_read_matches_any = options.nil_read_matches_any;
  search.for_each_key = [&](size_t n, const std::function<void(size_t)>& task) {
    parallel_for(n, options.threads, task);
  };
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(options.time_budget_s));
  if (options.time_budget_s > 0) {
    search.should_stop = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
  }
  const std::vector<core::KvHistoryRecord> records = records_of(history);
  auto verdicts = core::check_kv_history(records, search);
  if (!verdicts) {
    // Knossos throws on a history it cannot pair; Jepsen then says :unknown.
    result.workload_validity = Validity::kUnknown;
    result.unknown_reason = "history entry " + std::to_string(verdicts.error().position) + ": " +
                            verdicts.error().message;
  } else {
    size_t described = 0;
    for (core::KvKeyVerdict& verdict : verdicts.value()) {
      LinKvKeyResult key = key_result_of(std::move(verdict));
      result.states_explored += key.states_explored;
      result.workload_validity = worst(result.workload_validity, key.validity);
      if (key.validity == Validity::kInvalid) {
        ++result.keys_invalid;
        // Only the first few keys' windows are kept in full.
        if (described++ >= options.violations_max) key.violation.reset();
      }
      if (key.validity == Validity::kUnknown && ++result.keys_unknown == 1) {
        result.unknown_reason = "key " + key.key + ": " + key.unknown_reason;
      }
      result.keys.push_back(std::move(key));
    }
    if (result.keys_unknown > 1) {
      result.unknown_reason += " (and " + std::to_string(result.keys_unknown - 1) + " more keys)";
    }
  }
  result.validity = result.workload_validity;
  if (!result.stats_problems.empty() || !result.availability_problem.empty()) {
    result.validity = Validity::kInvalid;
  }
  return result;
}

}  // namespace eddy::checker
