#include "core/verify_codec.h"

#include <limits>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"

namespace eddy::core {
namespace {

using nlohmann::json;

struct RecordError {
  std::string text;
};

[[noreturn]] void fail(std::string text) { throw RecordError{std::move(text)}; }

const json* find(const json& record, std::string_view name) {
  const auto it = record.find(name);
  return it == record.end() ? nullptr : &*it;
}

// Jepsen's types and fs as Eddy's history lines spell them.
KvEventType type_of(const json& record) {
  const json* type = find(record, "type");
  if (type == nullptr || !type->is_string()) fail("'type' must be invoke, ok, fail or info");
  const auto& text = type->get_ref<const std::string&>();
  if (text == "invoke") return KvEventType::kInvoke;
  if (text == "ok") return KvEventType::kOk;
  if (text == "fail") return KvEventType::kFail;
  if (text == "info") return KvEventType::kInfo;
  fail("'type' must be invoke, ok, fail or info, got \"" + text + "\"");
}

// The cas arguments: Jepsen's `value: [from, to]`, or Eddy's `from` and `to`.
void read_cas_arguments(const json& record, KvHistoryRecord& out) {
  const json* from = find(record, "from");
  const json* to = find(record, "to");
  if (from != nullptr || to != nullptr) {
    if (from == nullptr || to == nullptr) fail("a cas needs both 'from' and 'to'");
    out.from = Value::from_json(*from);
    out.to = Value::from_json(*to);
    return;
  }
  const json* value = find(record, "value");
  if (value == nullptr || value->is_null()) {
    if (out.type == KvEventType::kInvoke) {
      fail("a cas invocation needs 'value': [from, to] (or 'from' and 'to')");
    }
    return;  // a completion: the arguments come from the invocation
  }
  if (!value->is_array()) {
    fail("a cas's 'value' must be [from, to], got " + std::string(json_kind(*value)));
  }
  if (value->size() != 2) {
    fail("a cas's 'value' must be [from, to], got an array of " + std::to_string(value->size()));
  }
  out.from = Value::from_json((*value)[0]);
  out.to = Value::from_json((*value)[1]);
}

// One record, or nullopt for a record of the nemesis (skipped).
std::optional<KvHistoryRecord> decode_record(const json& record, int64_t position) {
  if (!record.is_object())
    fail("a record must be an object, got " + std::string(json_kind(record)));
  KvHistoryRecord out;
  out.position = position;
  const json* process = find(record, "process");
  if (process == nullptr) fail("missing 'process'");
  if (process->is_string() && process->get_ref<const std::string&>() == "nemesis") {
    return std::nullopt;
  }
  if (!process->is_number_integer() ||
      (process->is_number_unsigned() &&
       process->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    fail("'process' must be an integer (or \"nemesis\"), got " + std::string(json_kind(*process)));
  }
  out.process = process->get<int64_t>();
  out.type = type_of(record);
  const json* f = find(record, "f");
  if (f == nullptr || !f->is_string()) fail("'f' must be read, write or cas");
  const auto& f_text = f->get_ref<const std::string&>();
  if (f_text == "read") {
    out.f = KvF::kRead;
  } else if (f_text == "write") {
    out.f = KvF::kWrite;
  } else if (f_text == "cas") {
    out.f = KvF::kCas;
  } else {
    fail("'f' must be read, write or cas, got \"" + f_text + "\"");
  }
  if (const json* key = find(record, "key"))
    out.key = Value::from_json(*key);
  else
    out.key = Value::from_json_text("null");
  if (const json* error = find(record, "error"); error != nullptr && error->is_string()) {
    out.error = error->get<std::string>();
  }
  const json* value = find(record, "value");
  switch (out.f) {
    case KvF::kRead:
      if (out.type == KvEventType::kOk) {
        if (value == nullptr) fail("an ok read needs the 'value' it read (null for nothing)");
        out.value = Value::from_json(*value);
      }
      break;
    case KvF::kWrite:
      if (value != nullptr) {
        out.value = Value::from_json(*value);
      } else if (out.type == KvEventType::kInvoke) {
        fail("a write invocation needs its 'value'");
      }
      break;
    case KvF::kCas:
      read_cas_arguments(record, out);
      break;
  }
  return out;
}

void append_values(std::string& out, const std::vector<Value>& values) {
  out.push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    values[i].append_json(out);
  }
  out.push_back(']');
}

void append_ints(std::string& out, const std::vector<int64_t>& ints) {
  out.push_back('[');
  for (size_t i = 0; i < ints.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_int(out, ints[i]);
  }
  out.push_back(']');
}

}  // namespace

Result<VerifyLinearizabilityBody, std::string> decode_verify_linearizability(const json& body,
                                                                             const Limits& limits) {
  const auto history = body.find("history");
  if (history == body.end()) return Err{std::string("missing field 'history'")};
  if (!history->is_array()) {
    return Err{"field 'history' must be an array, got " + std::string(json_kind(*history))};
  }
  if (history->size() > static_cast<size_t>(limits.verify_history_records_max)) {
    return Err{"a history of " + std::to_string(history->size()) +
               " records exceeds verify_history_records_max " +
               std::to_string(limits.verify_history_records_max)};
  }
  VerifyLinearizabilityBody decoded;
  decoded.history.reserve(history->size());
  for (size_t i = 0; i < history->size(); ++i) {
    try {
      if (auto record = decode_record((*history)[i], static_cast<int64_t>(i))) {
        decoded.history.push_back(std::move(*record));
      }
    } catch (const RecordError& error) {
      return Err{"history[" + std::to_string(i) + "]: " + error.text};
    }
  }
  return decoded;
}

void append_verify_linearizability_fields(std::string& out, const VerifyLinearizabilityBody& body) {
  out.append(",\"history\":[");
  for (size_t i = 0; i < body.history.size(); ++i) {
    const KvHistoryRecord& record = body.history[i];
    if (i > 0) out.push_back(',');
    out.append("{\"process\":");
    append_int(out, record.process);
    out.append(",\"type\":");
    append_string(out, to_string(record.type));
    out.append(",\"f\":");
    append_string(out, to_string(record.f));
    out.append(",\"key\":");
    record.key.append_json(out);
    if (record.value) {
      out.append(",\"value\":");
      record.value->append_json(out);
    }
    if (record.from && record.to) {
      out.append(",\"from\":");
      record.from->append_json(out);
      out.append(",\"to\":");
      record.to->append_json(out);
    }
    out.push_back('}');
  }
  out.push_back(']');
}

void append_verify_linearizability_ok_fields(std::string& out,
                                             const VerifyLinearizabilityOkBody& body) {
  out.append(body.linearizable ? ",\"linearizable\":true" : ",\"linearizable\":false");
  out.append(",\"violations\":[");
  for (size_t i = 0; i < body.violations.size(); ++i) {
    const VerifyLinearizabilityOkBody::Violation& violation = body.violations[i];
    if (i > 0) out.push_back(',');
    out.append("{\"key\":");
    violation.key.append_json(out);
    out.append(",\"op\":");
    append_int(out, violation.window.op);
    out.append(",\"completion\":");
    append_int(out, violation.window.completion);
    out.append(",\"concurrent\":");
    append_ints(out, violation.window.concurrent);
    out.append(",\"values_before\":");
    append_values(out, violation.window.values_before);
    out.append(",\"description\":");
    append_string(out, violation.window.description);
    out.append(violation.window.window_exact ? ",\"window_exact\":true"
                                             : ",\"window_exact\":false");
    out.push_back('}');
  }
  out.push_back(']');
}

}  // namespace eddy::core
