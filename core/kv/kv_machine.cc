#include "core/kv/kv_machine.h"

#include <nlohmann/json.hpp>

#include "core/error_code.h"

namespace eddy::core::kv {
namespace {

using nlohmann::json;

constexpr int32_t kKeyDoesNotExist = static_cast<int32_t>(ErrorCode::kKeyDoesNotExist);
constexpr int32_t kPreconditionFailed = static_cast<int32_t>(ErrorCode::kPreconditionFailed);

}  // namespace

Value encode_write(const KvWriteBody& write, const std::string& origin, int64_t origin_msg_id) {
  return Value::from_json(
      json::array({"w", write.key.to_json(), write.value.to_json(), origin, origin_msg_id}));
}

Value encode_cas(const KvCasBody& cas, const std::string& origin, int64_t origin_msg_id) {
  return Value::from_json(json::array({"c", cas.key.to_json(), cas.from.to_json(), cas.to.to_json(),
                                       cas.create_if_not_exists, origin, origin_msg_id}));
}

KvMachine::Result_ KvMachine::apply_write(const Value& key, const Value& value) {
  values_[key] = value;
  return Result_{};
}

KvMachine::Result_ KvMachine::apply_cas(const Value& key, const Value& from, const Value& to,
                                        bool create) {
  const auto it = values_.find(key);
  if (it == values_.end()) {
    // maelstrom service.clj: create_if_not_exists sets `to` without comparing.
    if (!create) return Result_{kKeyDoesNotExist, "key does not exist"};
    values_.emplace(key, to);
    return Result_{};
  }
  if (!(it->second == from)) {
    return Result_{kPreconditionFailed,
                   "current value " + it->second.to_json_text() + " is not " + from.to_json_text()};
  }
  it->second = to;
  return Result_{};
}

Body KvMachine::reply_for(bool is_cas, const Result_& result) const {
  if (result.code != 0) return ErrorBody{result.code, result.text};
  if (is_cas) return KvCasOkBody{};
  return KvWriteOkBody{};
}

void KvMachine::remember(RequestId id, Result_ result) {
  results_order_.push_back(id);
  results_.emplace(std::move(id), std::make_pair(false, std::move(result)));
  while (results_order_.size() > kResultsMax) {
    results_.erase(results_order_.front());
    results_order_.pop_front();
  }
}

Body KvMachine::apply(const Value& command) {
  const json c = command.to_json();
  if (c.is_null()) return KvWriteOkBody{};  // a leader's no-op
  const bool write = c.is_array() && c.size() == 5 && c[0] == "w";
  const bool cas = c.is_array() && c.size() == 7 && c[0] == "c";
  const size_t origin_at = write ? 3 : 5;
  if ((!write && !cas) || !c[origin_at].is_string() || !c[origin_at + 1].is_number_integer() ||
      (cas && !c[4].is_boolean())) {
    return ErrorBody{static_cast<int32_t>(ErrorCode::kCrash), "malformed command"};
  }
  RequestId id{c[origin_at].get<std::string>(), c[origin_at + 1].get<int64_t>()};
  if (const auto seen = results_.find(id); seen != results_.end()) {
    return reply_for(seen->second.first, seen->second.second);  // applied once already
  }
  Result_ result = write ? apply_write(Value::from_json(c[1]), Value::from_json(c[2]))
                         : apply_cas(Value::from_json(c[1]), Value::from_json(c[2]),
                                     Value::from_json(c[3]), c[4].get<bool>());
  Body reply = reply_for(cas, result);
  remember(id, std::move(result));
  results_.at(id).first = cas;
  return reply;
}

Body KvMachine::read(const Value& key) const {
  const auto it = values_.find(key);
  if (it == values_.end()) return ErrorBody{kKeyDoesNotExist, "key does not exist"};
  return KvReadOkBody{it->second};
}

std::optional<Body> KvMachine::result_of(const std::string& origin, int64_t msg_id) const {
  const auto it = results_.find(RequestId{origin, msg_id});
  if (it == results_.end()) return std::nullopt;
  return reply_for(it->second.first, it->second.second);
}

Value KvMachine::snapshot() const {
  json values = json::array();
  for (const auto& [key, value] : values_)
    values.push_back(json::array({key.to_json(), value.to_json()}));
  json results = json::array();
  for (const RequestId& id : results_order_) {
    const auto& [is_cas, result] = results_.at(id);
    results.push_back(json::array({id.first, id.second, is_cas, result.code, result.text}));
  }
  return Value::from_json(json{{"values", std::move(values)}, {"results", std::move(results)}});
}

Result<bool, std::string> KvMachine::restore(const Value& snapshot) {
  const json s = snapshot.to_json();
  if (s.is_null()) {  // the empty state, before any snapshot
    *this = KvMachine{};
    return true;
  }
  if (!s.is_object() || !s.contains("values") || !s.contains("results") ||
      !s["values"].is_array() || !s["results"].is_array()) {
    return Err{std::string("a kv snapshot must be {\"values\": [...], \"results\": [...]}")};
  }
  KvMachine restored;
  for (const json& pair : s["values"]) {
    if (!pair.is_array() || pair.size() != 2) return Err{std::string("a kv pair must be [k, v]")};
    restored.values_[Value::from_json(pair[0])] = Value::from_json(pair[1]);
  }
  for (const json& r : s["results"]) {
    if (!r.is_array() || r.size() != 5 || !r[0].is_string() || !r[1].is_number_integer() ||
        !r[2].is_boolean() || !r[3].is_number_integer() || !r[4].is_string()) {
      return Err{std::string("a remembered result must be [origin, msg_id, cas?, code, text]")};
    }
    RequestId id{r[0].get<std::string>(), r[1].get<int64_t>()};
    restored.remember(id, Result_{r[3].get<int32_t>(), r[4].get<std::string>()});
    restored.results_.at(id).first = r[2].get<bool>();
  }
  *this = std::move(restored);
  return true;
}

}  // namespace eddy::core::kv
