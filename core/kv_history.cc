#include "core/kv_history.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <utility>

namespace eddy::core {
namespace {

constexpr int64_t kNoPosition = -1;

// One op: its invocation and its completion (kNoPosition: never completed),
// as indexes into the records.
struct PairedOp {
  size_t invocation = 0;
  std::optional<size_t> completion;
};

// Values as small integers for the search; JSON null is the empty register.
class Interner {
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

Err<KvHistoryError> error_at(const KvHistoryRecord& record, std::string message) {
  return Err{KvHistoryError{record.position, std::move(message)}};
}

std::string describe_process(const KvHistoryRecord& record) {
  return "process " + std::to_string(record.process);
}

// Pairs each completion with the invocation in flight on its process
// (Jepsen's rule: a process has one op in flight), checking what the search
// needs of each op.
Result<std::vector<PairedOp>, KvHistoryError> pair(std::span<const KvHistoryRecord> records) {
  std::vector<PairedOp> ops;
  std::map<int64_t, size_t> in_flight;  // process -> index into `ops`
  for (size_t i = 0; i < records.size(); ++i) {
    const KvHistoryRecord& record = records[i];
    if (record.type == KvEventType::kInvoke) {
      if (const auto it = in_flight.find(record.process); it != in_flight.end()) {
        return error_at(record, describe_process(record) + " invoked an op while its op at " +
                                    std::to_string(records[ops[it->second].invocation].position) +
                                    " was in flight");
      }
      if (record.f == KvF::kWrite && !record.value) {
        return error_at(record, "a write invocation needs its value");
      }
      if (record.f == KvF::kCas && (!record.from || !record.to)) {
        return error_at(record, "a cas invocation needs from and to");
      }
      in_flight.emplace(record.process, ops.size());
      ops.push_back(PairedOp{i, std::nullopt});
      continue;
    }
    const auto it = in_flight.find(record.process);
    if (it == in_flight.end()) {
      return error_at(record, std::string(to_string(record.type)) + " completion on " +
                                  describe_process(record) + ", which has no op in flight");
    }
    const KvHistoryRecord& invocation = records[ops[it->second].invocation];
    if (invocation.f != record.f || !(invocation.key == record.key)) {
      return error_at(record, "completes the " + std::string(to_string(invocation.f)) + " of key " +
                                  invocation.key.to_json_text() + " invoked at " +
                                  std::to_string(invocation.position) + " as a " +
                                  std::string(to_string(record.f)) + " of key " +
                                  record.key.to_json_text());
    }
    if (record.type == KvEventType::kOk && record.f == KvF::kRead && !record.value) {
      return error_at(record, "an ok read needs the value it read (null for nothing)");
    }
    ops[it->second].completion = i;
    in_flight.erase(it);
  }
  return ops;
}

// A key's ops for the search, with the records they came from.
struct KeyOps {
  Value key;
  std::vector<lin::RegisterOp> ops;
};

// Knossos's reading: failed ops never happened, a read that is not ok
// constrains nothing, and an op not known to have completed may take effect
// at any instant after its invocation, or never. Times are record indexes
// (the history's order is real-time order); ids are invocation indexes.
std::vector<KeyOps> split_by_key(std::span<const KvHistoryRecord> records,
                                 const std::vector<PairedOp>& ops, Interner& interner) {
  std::map<Value, std::vector<lin::RegisterOp>> by_key;
  for (const PairedOp& pair : ops) {
    const KvHistoryRecord& invocation = records[pair.invocation];
    std::vector<lin::RegisterOp>& key_ops = by_key[invocation.key];
    const KvEventType outcome =
        pair.completion ? records[*pair.completion].type : KvEventType::kInfo;
    if (outcome == KvEventType::kFail) continue;
    lin::RegisterOp op;
    op.invoke_time = static_cast<int64_t>(pair.invocation);
    op.complete_time =
        outcome == KvEventType::kOk ? static_cast<int64_t>(*pair.completion) : lin::kNever;
    op.id = static_cast<int64_t>(pair.invocation);
    switch (invocation.f) {
      case KvF::kRead:
        if (outcome != KvEventType::kOk) continue;
        op.f = lin::RegisterF::kRead;
        op.arg1 = interner.id(*records[*pair.completion].value);
        break;
      case KvF::kWrite:
        op.f = lin::RegisterF::kWrite;
        op.arg1 = interner.id(*invocation.value);
        break;
      case KvF::kCas:
        op.f = lin::RegisterF::kCas;
        op.arg1 = interner.id(*invocation.from);
        op.arg2 = interner.id(*invocation.to);
        break;
    }
    key_ops.push_back(op);
  }
  std::vector<KeyOps> keys;
  keys.reserve(by_key.size());
  for (auto& [key, key_ops] : by_key) keys.push_back(KeyOps{key, std::move(key_ops)});
  return keys;
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
  text += ", " + describe_process(invocation) + ", at " + std::to_string(invocation.position) +
          ".." + (completion == nullptr ? std::string() : std::to_string(completion->position)) +
          ")";
  return text;
}

KvViolation describe_failure(std::span<const KvHistoryRecord> records,
                             const std::vector<std::optional<size_t>>& completion_of,
                             const lin::Failure& failure, const Interner& interner) {
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
  auto paired = pair(records);
  if (!paired) return Err{paired.error()};
  std::vector<std::optional<size_t>> completion_of(records.size());
  for (const PairedOp& op : paired.value()) completion_of[op.invocation] = op.completion;
  Interner interner;
  const std::vector<KeyOps> keys = split_by_key(records, paired.value(), interner);

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
    lin::Semantics semantics;
    semantics.nil_read_matches_any = options.nil_read_matches_any;
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
