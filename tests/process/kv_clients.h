// KvClients: Maelstrom's lin-kv clients over a ClusterRouter, recording the
// history Jepsen would (core/kv_record.h) for the linearizability checker.
//
//   KvClients clients(cluster);
//   Outcome o = clients.call("c1", "n0", Op::write(1, 10));   // invoke, await, complete
//   clients.begin("c2", "n2", Op::read(1));                   // in flight while others run
//   ...
//   Outcome late = clients.await("c2", Ms(3'000));
//   EXPECT_TRUE(clients.linearizable());
//
// Each client has at most one op in flight, as Maelstrom's. A completion is
// recorded as Jepsen's client records it: the reply's ok; a definite error
// (Maelstrom's error codes 1, 10-12, 14, 20-22, 30) fails; no reply within
// the timeout, or an indefinite error, is info. After an info the client
// continues as a new process (a process with an op of unknown outcome can
// invoke nothing more), and the request is abandoned: a late reply goes to
// ClusterRouter::late_replies().
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/linearizability/register_check.h"
#include "core/kv_history.h"
#include "core/kv_record.h"
#include "core/value.h"
#include "router.h"

namespace eddy::testing {

using nlohmann::json;

struct Op {
  core::KvF f = core::KvF::kRead;
  int64_t key = 0;
  int64_t value = 0;  // write
  int64_t from = 0;   // cas
  int64_t to = 0;     // cas

  static Op read(int64_t key) { return Op{core::KvF::kRead, key}; }
  static Op write(int64_t key, int64_t value) { return Op{core::KvF::kWrite, key, value}; }
  static Op cas(int64_t key, int64_t from, int64_t to) {
    return Op{core::KvF::kCas, key, 0, from, to};
  }

  json body() const {
    switch (f) {
      case core::KvF::kRead:
        return json{{"type", "read"}, {"key", key}};
      case core::KvF::kWrite:
        return json{{"type", "write"}, {"key", key}, {"value", value}};
      case core::KvF::kCas:
        return json{{"type", "cas"}, {"key", key}, {"from", from}, {"to", to}};
    }
    return nullptr;
  }
};

struct Outcome {
  core::KvEventType type = core::KvEventType::kInfo;  // ok, fail or info
  json body;                                          // the reply (null: none came)

  bool ok() const { return type == core::KvEventType::kOk; }
  int64_t code() const { return body.value("code", int64_t{-1}); }
  // The value an ok read returned.
  json value() const { return body.value("value", json()); }
};

inline bool definite_error(int64_t code) {
  static const std::set<int64_t> kDefinite{1, 10, 11, 12, 14, 20, 21, 22, 30};
  return kDefinite.contains(code);
}

class KvClients {
 public:
  using Ms = std::chrono::milliseconds;

  explicit KvClients(ClusterRouter& cluster) : cluster_(cluster) {}

  // Invokes `op` on `node` for `client` (which has nothing in flight).
  void begin(const std::string& client, const std::string& node, const Op& op) {
    EXPECT_FALSE(in_flight_.contains(client)) << client << " has an op in flight already";
    if (!processes_.contains(client)) processes_[client] = next_process_++;
    record(client, core::KvEventType::kInvoke, op, "");
    in_flight_[client] = InFlight{node, op, cluster_.send_request(client, node, op.body())};
  }

  // The outcome of `client`'s op if its reply has come (recorded); nullopt if
  // not yet.
  std::optional<Outcome> poll(const std::string& client) {
    const InFlight& op = in_flight_.at(client);
    std::optional<json> reply = cluster_.take_reply(client, op.msg_id);
    if (!reply) return std::nullopt;
    return complete(client, std::move(*reply));
  }

  // Routes traffic until `client`'s reply comes or `timeout` passes (then the
  // op is info and the request abandoned).
  Outcome await(const std::string& client, Ms timeout) {
    const InFlight op = in_flight_.at(client);
    json reply = cluster_.await_reply(client, op.msg_id, timeout);
    if (reply.is_null()) cluster_.abandon(client, op.msg_id);
    return complete(client, std::move(reply));
  }

  Outcome call(const std::string& client, const std::string& node, const Op& op,
               Ms timeout = Ms(3'000)) {
    begin(client, node, op);
    return await(client, timeout);
  }

  // Calls `op` until it is ok or `deadline` passes, pausing `gap` after each
  // refusal; returns the last outcome. Only for ops that may be repeated:
  // reads, and writes (the same value each time).
  Outcome call_until_ok(const std::string& client, const std::string& node, const Op& op,
                        ClusterRouter::Clock::time_point deadline, int* attempts = nullptr) {
    Outcome outcome;
    for (int n = 1;; ++n) {
      outcome = call(client, node, op);
      if (attempts != nullptr) *attempts = n;
      if (outcome.ok() || ClusterRouter::Clock::now() >= deadline) return outcome;
      cluster_.run_for(Ms(50));
    }
  }

  const std::vector<core::KvHistoryRecord>& history() const { return records_; }

  // Runs the cas-register check on every key; "" if all are linearizable,
  // else each other key's verdict and window.
  std::string check() const {
    const auto verdicts = core::check_kv_history(records_);
    if (!verdicts.ok()) {
      return "unpairable history at " + std::to_string(verdicts.error().position) + ": " +
             verdicts.error().message;
    }
    std::string problems;
    for (const core::KvKeyVerdict& key : verdicts.value()) {
      if (key.verdict == lin::Verdict::kLinearizable) continue;
      problems += "key " + key.key.to_json_text() + ": " + lin::to_string(key.verdict) + " " +
                  key.unknown_reason + "\n";
      if (key.violation) problems += key.violation->description + "\n";
    }
    return problems;
  }

  // The history as text, one record a line, for failure messages.
  std::string history_text() const {
    std::string out;
    for (const core::KvHistoryRecord& r : records_) {
      out += std::to_string(r.position) + " p" + std::to_string(r.process) + " " +
             std::string(core::to_string(r.type)) + " " + std::string(core::to_string(r.f)) + " k" +
             r.key.to_json_text();
      if (r.value) out += " v=" + r.value->to_json_text();
      if (r.from) out += " from=" + r.from->to_json_text() + " to=" + r.to->to_json_text();
      if (!r.error.empty()) out += " (" + r.error + ")";
      out += "\n";
    }
    return out;
  }

 private:
  struct InFlight {
    std::string node;
    Op op;
    int64_t msg_id = 0;
  };

  Outcome complete(const std::string& client, json reply) {
    const InFlight op = in_flight_.at(client);
    in_flight_.erase(client);
    Outcome outcome{core::KvEventType::kInfo, reply};
    const std::string type = reply.is_object() ? reply.value("type", std::string()) : "";
    if (type == "error") {
      outcome.type =
          definite_error(outcome.code()) ? core::KvEventType::kFail : core::KvEventType::kInfo;
    } else if (!reply.is_null()) {
      const std::string expected = std::string(core::to_string(op.op.f)) + "_ok";
      EXPECT_EQ(type, expected) << client << " on " << op.node << ": " << reply;
      if (type == expected) outcome.type = core::KvEventType::kOk;
    }
    std::string error = reply.is_null() ? "no reply" : "";
    if (type == "error") error = reply.dump();
    record(client, outcome.type, op.op, error, outcome.ok() ? outcome.value() : json());
    if (outcome.type == core::KvEventType::kInfo) processes_[client] = next_process_++;
    return outcome;
  }

  void record(const std::string& client, core::KvEventType type, const Op& op, std::string error,
              const json& read_value = json()) {
    core::KvHistoryRecord r;
    r.process = processes_.at(client);
    r.type = type;
    r.f = op.f;
    r.key = core::Value(op.key);
    if (op.f == core::KvF::kWrite) r.value = core::Value(op.value);
    if (op.f == core::KvF::kCas) {
      r.from = core::Value(op.from);
      r.to = core::Value(op.to);
    }
    if (op.f == core::KvF::kRead && type == core::KvEventType::kOk) {
      r.value = core::Value::from_json(read_value);
    }
    r.position = static_cast<int64_t>(records_.size());
    r.error = std::move(error);
    records_.push_back(std::move(r));
  }

  ClusterRouter& cluster_;
  std::map<std::string, InFlight> in_flight_;
  std::map<std::string, int64_t> processes_;
  int64_t next_process_ = 0;
  std::vector<core::KvHistoryRecord> records_;
};

}  // namespace eddy::testing
