#include "core/kafka/raft_machine.h"

#include <cstdint>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/error_code.h"
#include "core/invariant.h"
#include "core/kafka/local_service.h"
#include "core/kafka/poll_reply.h"

namespace eddy::core::kafka {
namespace {

using nlohmann::json;

bool is_send(const json& c) { return c.is_array() && c.size() == 5 && c[0] == "s"; }
bool is_commit(const json& c) { return c.is_array() && c.size() == 4 && c[0] == "o"; }

ErrorBody malformed(std::string what) {
  return ErrorBody{static_cast<int32_t>(ErrorCode::kCrash), "malformed command: " + what};
}

}  // namespace

Value encode_send(const SendBody& send, const std::string& origin, int64_t origin_msg_id) {
  return Value::from_json(json::array({"s", send.key, send.msg.to_json(), origin, origin_msg_id}));
}

Value encode_commit(const CommitOffsetsBody& commit, const std::string& origin,
                    int64_t origin_msg_id) {
  json offsets = json::array();
  for (const auto& [key, offset] : commit.offsets) offsets.push_back(json::array({key, offset}));
  return Value::from_json(json::array({"o", std::move(offsets), origin, origin_msg_id}));
}

bool is_kafka_command(const Value& command) {
  if (command.is_integer()) return false;
  const json c = command.to_json();
  return c.is_array() && !c.empty() && (c[0] == "s" || c[0] == "o");
}

Body KafkaMachine::reply_for(const Outcome& outcome) {
  if (outcome) return SendOkBody{*outcome};
  return CommitOffsetsOkBody{};
}

void KafkaMachine::remember(RequestId id, Outcome outcome) {
  results_order_.push_back(id);
  results_.emplace(std::move(id), outcome);
  while (results_order_.size() > kResultsMax) {
    results_.erase(results_order_.front());
    results_order_.pop_front();
  }
}

Body KafkaMachine::apply(const Value& command) {
  const json c = command.to_json();
  const bool send = is_send(c);
  if (!send && !is_commit(c)) return malformed("not a send or a commit");
  const size_t origin_at = send ? 3 : 2;
  if (!c[origin_at].is_string() || !c[origin_at + 1].is_number_integer()) {
    return malformed("no origin");
  }
  RequestId id{c[origin_at].get<std::string>(), c[origin_at + 1].get<int64_t>()};
  if (const auto seen = results_.find(id); seen != results_.end()) {
    return reply_for(seen->second);  // applied once already
  }
  Outcome outcome;
  if (send) {
    if (!c[1].is_string()) return malformed("a send's key must be a string");
    outcome = log_.append(c[1].get<std::string>(), Value::from_json(c[2]));
  } else {
    if (!c[1].is_array()) return malformed("a commit's offsets must be an array");
    for (const json& pair : c[1]) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() ||
          !pair[1].is_number_integer()) {
        return malformed("a committed offset must be [key, offset]");
      }
    }
    // Takes the maximum: a commit below the committed offset changes nothing.
    for (const json& pair : c[1]) log_.commit(pair[0].get<std::string>(), pair[1].get<int64_t>());
  }
  remember(std::move(id), outcome);
  return reply_for(outcome);
}

PollOkBody KafkaMachine::poll(const KeyOffsets& offsets, const Limits& limits) const {
  return poll_reply(log_, offsets, limits);
}

ListCommittedOffsetsOkBody KafkaMachine::list_committed(
    const std::vector<std::string>& keys) const {
  return list_reply(keys, [&](std::string_view key) { return log_.committed(key); });
}

std::optional<Body> KafkaMachine::result_of(const std::string& origin, int64_t msg_id) const {
  const auto it = results_.find(RequestId{origin, msg_id});
  if (it == results_.end()) return std::nullopt;
  return reply_for(it->second);
}

Value KafkaMachine::snapshot() const {
  json logs = json::array();
  std::vector<Record> records;
  for (const std::string& key : log_.keys()) {
    records.clear();
    log_.read(key, 0, SIZE_MAX, records);
    json entries = json::array();
    for (const Record& record : records) {
      entries.push_back(json::array({record.offset, record.msg.to_json()}));
    }
    const std::optional<int64_t> committed = log_.committed(key);
    logs.push_back(
        json::array({key, std::move(entries), committed ? json(*committed) : json(nullptr)}));
  }
  json results = json::array();
  for (const RequestId& id : results_order_) {
    const Outcome& outcome = results_.at(id);
    results.push_back(json::array({id.first, id.second, outcome ? json(*outcome) : json(nullptr)}));
  }
  return Value::from_json(json{{"logs", std::move(logs)}, {"results", std::move(results)}});
}

Result<bool, std::string> KafkaMachine::restore(const Value& snapshot) {
  const json s = snapshot.to_json();
  if (s.is_null()) {  // the empty state, before any snapshot
    *this = KafkaMachine{};
    return true;
  }
  if (!s.is_object() || !s.contains("logs") || !s.contains("results") || !s["logs"].is_array() ||
      !s["results"].is_array()) {
    return Err{std::string(R"(a kafka snapshot must be {"logs": [...], "results": [...]})")};
  }
  KafkaMachine restored;
  for (const json& log : s["logs"]) {
    if (!log.is_array() || log.size() != 3 || !log[0].is_string() || !log[1].is_array() ||
        !(log[2].is_null() || log[2].is_number_integer())) {
      return Err{std::string("a snapshot's log must be [key, [[offset, msg], ...], committed]")};
    }
    const std::string key = log[0].get<std::string>();
    for (const json& record : log[1]) {
      if (!record.is_array() || record.size() != 2 || !record[0].is_number_integer() ||
          !restored.log_.append_at(key, record[0].get<int64_t>(), Value::from_json(record[1]))) {
        return Err{"the records of key '" + key + "' must be [offset, msg] in increasing order"};
      }
    }
    if (log[2].is_number_integer()) restored.log_.commit(key, log[2].get<int64_t>());
  }
  for (const json& r : s["results"]) {
    if (!r.is_array() || r.size() != 3 || !r[0].is_string() || !r[1].is_number_integer() ||
        !(r[2].is_null() || r[2].is_number_integer())) {
      return Err{std::string("a remembered result must be [origin, msg_id, offset or null]")};
    }
    RequestId id{r[0].get<std::string>(), r[1].get<int64_t>()};
    if (restored.results_.contains(id)) {
      return Err{"the result of " + id.first + "'s " + std::to_string(id.second) +
                 " is remembered twice"};
    }
    restored.remember(std::move(id), r[2].is_null() ? Outcome{} : Outcome{r[2].get<int64_t>()});
  }
  *this = std::move(restored);
  return true;
}

void KafkaMachine::check_invariants() const {
  log_.check_invariants();
  EDDY_INVARIANT(results_.size() == results_order_.size() && results_.size() <= kResultsMax,
                 "the table of remembered results is out of step or over its bound");
}

}  // namespace eddy::core::kafka
