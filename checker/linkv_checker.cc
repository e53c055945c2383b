#include "checker/linkv_checker.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <utility>

#include "checker/linearizability/register_check.h"
#include "checker/stats.h"
#include "core/result.h"

namespace eddy::checker {
namespace {

constexpr int64_t kNoIndex = -1;

bool is_client_op(const LinKvOp& op) { return op.f != LinKvF::kNemesis; }

// One op of the history, paired: its invocation and completion (if any).
struct PairedOp {
  int64_t invocation = kNoIndex;
  int64_t completion = kNoIndex;  // kNoIndex: never completed (unknown outcome)
};

// Values and keys as small integers for the search; JSON null is the empty
// register (lin::kNil).
class Interner {
 public:
  lin::ValueId value(const core::Value& value) {
    if (value == null_) return lin::kNil;
    const auto [it, fresh] =
        values_.try_emplace(value, static_cast<lin::ValueId>(names_.size() + 1));
    if (fresh) names_.push_back(value.to_json_text());
    return it->second;
  }
  std::string name(lin::ValueId id) const {
    return id == lin::kNil ? std::string("null") : names_[static_cast<size_t>(id - 1)];
  }

 private:
  core::Value null_ = core::Value::from_json_text("null");
  std::map<core::Value, lin::ValueId> values_;
  std::vector<std::string> names_;
};

// A key's part of the history, ready for the search.
struct KeyHistory {
  std::string name;  // the key's JSON text
  std::vector<lin::RegisterOp> ops;
};

// Pairs every completion with the invocation in flight on its process, over
// the whole history (Jepsen's pairing: a process has one op in flight).
// Returns an error naming the first entry that cannot be paired.
core::Result<std::vector<PairedOp>, std::string> pair_ops(const LinKvHistory& history) {
  std::vector<PairedOp> paired;
  std::map<int64_t, size_t> in_flight;  // process -> index into `paired`
  for (const LinKvOp& op : history) {
    if (!is_client_op(op)) continue;
    const std::string where = "history entry " + std::to_string(op.index) + " (process " +
                              std::to_string(op.process) + "): ";
    if (op.type == OpType::kInvoke) {
      if (const auto it = in_flight.find(op.process); it != in_flight.end()) {
        return core::Err{where + "invoked while its op from entry " +
                         std::to_string(paired[it->second].invocation) + " is still in flight"};
      }
      in_flight.emplace(op.process, paired.size());
      paired.push_back(PairedOp{op.index, kNoIndex});
      continue;
    }
    const auto it = in_flight.find(op.process);
    if (it == in_flight.end()) {
      return core::Err{where + std::string(to_string(op.type)) +
                       " completion with no invocation in flight"};
    }
    const LinKvOp& invocation = history[static_cast<size_t>(paired[it->second].invocation)];
    if (invocation.f != op.f || !(invocation.key == op.key)) {
      return core::Err{where + "completes a " + std::string(to_string(invocation.f)) + " of key " +
                       invocation.key.to_json_text() + " as a " + std::string(to_string(op.f)) +
                       " of key " + op.key.to_json_text()};
    }
    if (op.type == OpType::kOk && op.f == LinKvF::kRead && !op.value) {
      return core::Err{where + "an ok read without a value"};
    }
    paired[it->second].completion = op.index;
    in_flight.erase(it);
  }
  return paired;
}

// Each key's ops for the search (Knossos's semantics: failed ops and reads
// without an ok never enter it), keys in order.
std::vector<KeyHistory> split_by_key(const LinKvHistory& history,
                                     const std::vector<PairedOp>& paired, Interner& interner) {
  std::map<core::Value, size_t> key_slot;
  std::vector<KeyHistory> keys;
  for (const PairedOp& pair : paired) {
    const LinKvOp& invocation = history[static_cast<size_t>(pair.invocation)];
    const LinKvOp* completion =
        pair.completion == kNoIndex ? nullptr : &history[static_cast<size_t>(pair.completion)];
    const auto [slot, fresh] = key_slot.try_emplace(invocation.key, keys.size());
    if (fresh) keys.push_back(KeyHistory{invocation.key.to_json_text(), {}});
    const OpType outcome = completion == nullptr ? OpType::kInfo : completion->type;
    if (outcome == OpType::kFail) continue;
    lin::RegisterOp op;
    op.invoke_time = pair.invocation;
    op.complete_time = outcome == OpType::kOk ? pair.completion : lin::kNever;
    op.id = pair.invocation;
    switch (invocation.f) {
      case LinKvF::kRead:
        if (outcome != OpType::kOk) continue;  // an unknown read constrains nothing
        op.f = lin::RegisterF::kRead;
        op.arg1 = interner.value(*completion->value);
        break;
      case LinKvF::kWrite:
        op.f = lin::RegisterF::kWrite;
        op.arg1 = interner.value(invocation.value.value_or(core::Value::from_json_text("null")));
        break;
      case LinKvF::kCas:
        op.f = lin::RegisterF::kCas;
        op.arg1 = interner.value(invocation.from);
        op.arg2 = interner.value(invocation.to);
        break;
      case LinKvF::kNemesis:
        continue;
    }
    keys[slot->second].ops.push_back(op);
  }
  // Keys in order of their values (integers first), not of first use.
  std::vector<KeyHistory> ordered;
  ordered.reserve(keys.size());
  for (const auto& [key, slot] : key_slot) ordered.push_back(std::move(keys[slot]));
  return ordered;
}

// One line about an op, for a violation's description.
std::string describe_op(const LinKvHistory& history, int64_t invocation_index,
                        int64_t completion_index) {
  const LinKvOp& invocation = history[static_cast<size_t>(invocation_index)];
  const LinKvOp* completion =
      completion_index == kNoIndex ? nullptr : &history[static_cast<size_t>(completion_index)];
  std::string text;
  switch (invocation.f) {
    case LinKvF::kRead:
      text = "read -> " + (completion != nullptr && completion->value
                               ? completion->value->to_json_text()
                               : std::string("?"));
      break;
    case LinKvF::kWrite:
      text = "write " + (invocation.value ? invocation.value->to_json_text() : std::string("?"));
      break;
    case LinKvF::kCas:
      text = "cas " + invocation.from.to_json_text() + " -> " + invocation.to.to_json_text();
      break;
    case LinKvF::kNemesis:
      text = "nemesis";
      break;
  }
  const std::string outcome =
      completion == nullptr ? "never completed" : std::string(to_string(completion->type));
  text += " (" + outcome + ", process " + std::to_string(invocation.process) + ", entries " +
          std::to_string(invocation_index) + ".." +
          (completion == nullptr ? std::string("") : std::to_string(completion_index)) + ")";
  return text;
}

LinearizabilityViolation describe_failure(const LinKvHistory& history,
                                          const std::vector<int64_t>& completion_of_invocation,
                                          const lin::Failure& failure, const Interner& interner) {
  LinearizabilityViolation violation;
  violation.op_index = failure.op_id;
  violation.completion_index = failure.complete_time;
  violation.concurrent = failure.concurrent;
  for (const lin::ValueId value : failure.values_before) {
    violation.values_before.push_back(interner.name(value));
  }
  std::string values;
  for (const std::string& value : violation.values_before) {
    values += (values.empty() ? "" : ", ") + value;
  }
  violation.description =
      "cannot linearize " + describe_op(history, violation.op_index, violation.completion_index) +
      "\nthe register could hold only: " + (values.empty() ? "nothing consistent" : values) +
      "\nconcurrent with it:";
  if (violation.concurrent.empty()) violation.description += " nothing";
  for (const int64_t index : violation.concurrent) {
    violation.description +=
        "\n  " + describe_op(history, index, completion_of_invocation[static_cast<size_t>(index)]);
  }
  return violation;
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

void search_keys(const LinKvHistory& history, const std::vector<KeyHistory>& keys,
                 const std::vector<int64_t>& completion_of_invocation, const Interner& interner,
                 const LinKvCheckOptions& options, LinKvCheckResult& result) {
  result.keys.resize(keys.size());
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(options.time_budget_s > 0 ? options.time_budget_s : 0));
  std::atomic<bool> out_of_time{false};
  parallel_for(keys.size(), options.threads, [&](size_t i) {
    lin::SearchLimits limits;
    limits.states_max = options.states_max_per_key;
    lin::Semantics semantics;
    semantics.nil_read_matches_any = options.nil_read_matches_any;
    if (options.time_budget_s > 0) {
      limits.should_stop = [&] {
        if (std::chrono::steady_clock::now() >= deadline) out_of_time = true;
        return out_of_time.load();
      };
    }
    const lin::SearchResult search = lin::check_register(keys[i].ops, limits, semantics);
    LinKvKeyResult& key = result.keys[i];
    key.key = keys[i].name;
    key.ops = static_cast<int64_t>(keys[i].ops.size());
    key.states_explored = search.states_explored;
    switch (search.verdict) {
      case lin::Verdict::kLinearizable:
        key.validity = Validity::kValid;
        break;
      case lin::Verdict::kNotLinearizable:
        key.validity = Validity::kInvalid;
        if (search.failure) {
          key.violation =
              describe_failure(history, completion_of_invocation, *search.failure, interner);
        }
        break;
      case lin::Verdict::kUnknown:
        key.validity = Validity::kUnknown;
        key.unknown_reason = search.unknown_reason;
        break;
    }
  });
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
  if (options.availability_min && result.availability < *options.availability_min) {
    result.availability_problem = "ok fraction " + std::to_string(result.availability) +
                                  " is below the required " +
                                  std::to_string(*options.availability_min);
  }

  // The workload's checker: one linearizability search per key.
  const auto paired = pair_ops(history);
  if (!paired) {
    // Knossos throws on a history it cannot pair; Jepsen then says :unknown.
    result.workload_validity = Validity::kUnknown;
    result.unknown_reason = paired.error();
  } else {
    std::vector<int64_t> completion_of_invocation(history.size(), kNoIndex);
    for (const PairedOp& pair : paired.value()) {
      completion_of_invocation[static_cast<size_t>(pair.invocation)] = pair.completion;
    }
    Interner interner;
    const std::vector<KeyHistory> keys = split_by_key(history, paired.value(), interner);
    search_keys(history, keys, completion_of_invocation, interner, options, result);
    size_t described = 0;
    for (LinKvKeyResult& key : result.keys) {
      result.states_explored += key.states_explored;
      result.workload_validity = worst(result.workload_validity, key.validity);
      if (key.validity == Validity::kInvalid) {
        ++result.keys_invalid;
        // Only the first few keys' windows are kept in full.
        if (described++ >= options.violations_max) key.violation.reset();
      }
      if (key.validity == Validity::kUnknown) {
        ++result.keys_unknown;
        if (result.keys_unknown == 1) {
          result.unknown_reason = "key " + key.key + ": " + key.unknown_reason;
        }
      }
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
