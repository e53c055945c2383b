#include "core/kv_history.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

#include "checker/linearizability/history_check.h"

namespace eddy::core {
namespace {

// Values as small integers for the search; JSON null is the empty register.
class ValueIds {
 public:
  lin::ValueId id(const Value& value) {
    if (value == null_) return lin::kNil;
    const auto [it, fresh] = ids_.try_emplace(value, static_cast<lin::ValueId>(values_.size()));
    if (fresh) values_.push_back(value);
    return it->second;
  }
  const Value& value(lin::ValueId id) const {
    return id == lin::kNil ? null_ : values_[static_cast<size_t>(id)];
  }

 private:
  Value null_ = Value::from_json_text("null");
  std::map<Value, lin::ValueId> ids_;
  std::vector<Value> values_;
};

// The records as the search's events, one for one (so an event's index is
// its record's), with keys numbered in key order and values interned.
std::vector<lin::HistoryEvent> events_of(std::span<const KvHistoryRecord> records,
                                         std::vector<Value>& keys, ValueIds& values) {
  std::map<Value, int32_t> key_ids;
  for (const KvHistoryRecord& record : records) key_ids.emplace(record.key, 0);
  for (auto& [key, id] : key_ids) {
    id = static_cast<int32_t>(keys.size());
    keys.push_back(key);
  }
  std::vector<lin::HistoryEvent> events;
  events.reserve(records.size());
  for (const KvHistoryRecord& record : records) {
    lin::HistoryEvent event;
    event.process = record.process;
    event.type = static_cast<lin::EventType>(record.type);
    event.key = key_ids.at(record.key);
    event.origin = record.position;
    switch (record.f) {
      case KvF::kRead:
        event.f = lin::RegisterF::kRead;
        break;
      case KvF::kWrite:
        event.f = lin::RegisterF::kWrite;
        break;
      case KvF::kCas:
        event.f = lin::RegisterF::kCas;
        break;
    }
    if (record.f == KvF::kCas) {
      event.has_arg1 = record.from && record.to;
      if (event.has_arg1) {
        event.arg1 = values.id(*record.from);
        event.arg2 = values.id(*record.to);
      }
    } else if (record.value) {
      event.has_arg1 = true;
      event.arg1 = values.id(*record.value);
    }
    events.push_back(event);
  }
  return events;
}

// Each invocation's completion (any type), by record index: the pairing
// lin::pair_history has already checked, kept for describing windows.
std::vector<std::optional<size_t>> completions_of(std::span<const KvHistoryRecord> records) {
  std::vector<std::optional<size_t>> completion_of(records.size());
  std::map<int64_t, size_t> in_flight;  // process -> its invocation
  for (size_t i = 0; i < records.size(); ++i) {
    if (records[i].type == KvEventType::kInvoke) {
      in_flight[records[i].process] = i;
    } else if (const auto it = in_flight.find(records[i].process); it != in_flight.end()) {
      completion_of[it->second] = i;
      in_flight.erase(it);
    }
  }
  return completion_of;
}

// A key's ops for the search.
struct KeySearch {
  Value key;
  std::vector<lin::RegisterOp> ops;
};

std::string describe_process(const KvHistoryRecord& record) {
  return "process " + std::to_string(record.process);
}

// One line about an op: what it did, how it ended, who, where.
std::string describe_op(std::span<const KvHistoryRecord> records, size_t invocation_index,
                        std::optional<size_t> completion_index) {
  const KvHistoryRecord& invocation = records[invocation_index];
  const KvHistoryRecord* completion = completion_index ? &records[*completion_index] : nullptr;
  std::string text;
  switch (invocation.f) {
    case KvF::kRead:
      text = "read -> " + (completion != nullptr && completion->value
                               ? completion->value->to_json_text()
                               : std::string("?"));
      break;
    case KvF::kWrite:
      text = "write " + invocation.value->to_json_text();
      break;
    case KvF::kCas:
      text = "cas " + invocation.from->to_json_text() + " -> " + invocation.to->to_json_text();
      break;
  }
  text += " (";
  text += completion == nullptr ? "never completed" : to_string(completion->type);
  if (completion != nullptr && !completion->error.empty()) text += ": " + completion->error;
  text += ", " + describe_process(invocation) + ", at " + std::to_string(invocation.position) +
          ".." + (completion == nullptr ? std::string() : std::to_string(completion->position)) +
          ")";
  return text;
}

// The value the op needed to find: a read's value, a cas's from.
std::optional<Value> value_needed(std::span<const KvHistoryRecord> records, size_t invocation,
                                  std::optional<size_t> completion) {
  const KvHistoryRecord& op = records[invocation];
  if (op.f == KvF::kCas) return op.from;
  if (op.f == KvF::kRead && completion) return records[*completion].value;
  return std::nullopt;
}

// Failed writes and cas of the same key that would have set `needed`,
// invoked before `before` (however late they failed): a node that answers a
// definite error for an op that happened shows up here (a :fail never took
// effect, so the search may not use them).
std::vector<size_t> failed_writers_of(std::span<const KvHistoryRecord> records,
                                      const std::vector<std::optional<size_t>>& completion_of,
                                      const Value& key, const Value& needed, size_t before) {
  constexpr size_t kShown = 3;
  std::vector<size_t> found;
  for (size_t i = before; i-- > 0 && found.size() < kShown;) {
    const KvHistoryRecord& op = records[i];
    if (op.type != KvEventType::kInvoke || !(op.key == key) || op.f == KvF::kRead) continue;
    const std::optional<Value>& sets = op.f == KvF::kWrite ? op.value : op.to;
    const auto completion = completion_of[i];
    if (sets && *sets == needed && completion && records[*completion].type == KvEventType::kFail) {
      found.push_back(i);
    }
  }
  return found;
}

KvViolation describe_failure(std::span<const KvHistoryRecord> records,
                             const std::vector<std::optional<size_t>>& completion_of,
                             const lin::Failure& failure, const ValueIds& interner) {
  const auto op = static_cast<size_t>(failure.op_id);
  KvViolation violation;
  violation.op = records[op].position;
  violation.completion = records[static_cast<size_t>(failure.complete_time)].position;
  std::string values;
  for (const lin::ValueId id : failure.values_before) {
    violation.values_before.push_back(interner.value(id));
    values += (values.empty() ? "" : ", ") + interner.value(id).to_json_text();
  }
  violation.window_exact = failure.window_exact;
  violation.description = "cannot linearize " + describe_op(records, op, completion_of[op]) +
                          "\nthe register could hold only: " +
                          (values.empty() ? std::string("nothing consistent") : values) +
                          "\nconcurrent with it:";
  if (failure.concurrent.empty()) violation.description += " nothing";
  if (!failure.window_exact) {
    violation.description =
        "(not narrowed down: the search's budget ran out after proving the violation; the "
        "first op that cannot be placed may come earlier)\n" +
        violation.description;
  }
  for (const int64_t id : failure.concurrent) {
    const auto index = static_cast<size_t>(id);
    violation.concurrent.push_back(records[index].position);
    violation.description += "\n  " + describe_op(records, index, completion_of[index]);
  }
  const auto completion = static_cast<size_t>(failure.complete_time);
  if (const auto needed = value_needed(records, op, completion_of[op])) {
    const std::vector<size_t> writers =
        failed_writers_of(records, completion_of, records[op].key, *needed, completion);
    if (!writers.empty()) {
      violation.description += "\nfailed ops that would have set " + needed->to_json_text() +
                               " (a :fail must not have taken effect):";
    }
    for (const size_t index : writers) {
      violation.description += "\n  " + describe_op(records, index, completion_of[index]);
    }
  }
  return violation;
}

}  // namespace

std::string_view to_string(KvEventType type) {
  static constexpr std::string_view kNames[] = {"invoke", "ok", "fail", "info"};
  return kNames[static_cast<size_t>(type)];
}

std::string_view to_string(KvF f) {
  static constexpr std::string_view kNames[] = {"read", "write", "cas"};
  return kNames[static_cast<size_t>(f)];
}

Result<std::vector<KvKeyVerdict>, KvHistoryError> check_kv_history(
    std::span<const KvHistoryRecord> records, const KvCheckOptions& options) {
  std::vector<Value> key_values;
  ValueIds interner;
  const std::vector<lin::HistoryEvent> events = events_of(records, key_values, interner);
  lin::Semantics semantics;
  semantics.nil_read_matches_any = options.nil_read_matches_any;
  auto paired = lin::pair_history(events, semantics);
  if (!paired) return Err{KvHistoryError{paired.error().position, paired.error().message}};
  const std::vector<std::optional<size_t>> completion_of = completions_of(records);
  std::vector<KeySearch> keys;
  for (auto& [key, ops] : paired.value()) {
    keys.push_back(KeySearch{key_values[static_cast<size_t>(key)], std::move(ops)});
  }

  std::vector<KvKeyVerdict> verdicts(keys.size());
  // Atomic because a for_each_key runner may search keys concurrently.
  std::vector<std::atomic<int64_t>> spent(keys.size());
  const auto search = [&](size_t i) {
    KvKeyVerdict& verdict = verdicts[i];
    verdict.key = keys[i].key;
    verdict.ops = static_cast<int64_t>(keys[i].ops.size());
    // Sequentially, what the keys before left; concurrently, a soft bound.
    int64_t left = options.states_max_total;
    for (size_t k = 0; k < i; ++k) left -= spent[k];
    if (left <= 0) {
      verdict.verdict = lin::Verdict::kUnknown;
      verdict.unknown_reason = "not searched: the budget of " +
                               std::to_string(options.states_max_total) +
                               " search states was spent on other keys";
      return;
    }
    lin::SearchLimits limits;
    limits.states_max = std::min(options.states_max_per_key, left);
    limits.should_stop = options.should_stop;
    const lin::SearchResult result = lin::check_register(keys[i].ops, limits, semantics);
    spent[i].store(result.states_explored);
    verdict.verdict = result.verdict;
    verdict.states_explored = result.states_explored;
    verdict.unknown_reason = result.unknown_reason;
    if (result.failure) {
      verdict.violation = describe_failure(records, completion_of, *result.failure, interner);
    }
  };
  if (options.for_each_key) {
    options.for_each_key(keys.size(), search);
  } else {
    for (size_t i = 0; i < keys.size(); ++i) search(i);
  }
  return verdicts;
}

}  // namespace eddy::core
