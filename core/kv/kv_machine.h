// KvMachine: the lin-kv state machine the raft strategy replicates. Every
// node applies the same committed commands in the same order, so every node
// holds the same map; reads are served from it by the leader (ReadIndex),
// not through the log.
//
// A command is compact JSON, built by encode_write / encode_cas:
//   ["w", key, value, origin, origin_msg_id]
//   ["c", key, from, to, create_if_not_exists, origin, origin_msg_id]
// and null for a leader's no-op. `origin` (the client, or the node that
// forwarded the request) and its msg_id identify the request: a request
// applied once is never applied again (a duplicated forward, a retry), its
// first result is answered instead. The table of results is bounded (the
// oldest are forgotten first); it is part of the state, so it is in the
// snapshot and every node forgets the same ones.
//
// Replies and errors are Maelstrom's lin-kv service's (maelstrom
// service.clj): read_ok, write_ok, cas_ok, 20 "key does not exist", 22
// "current value V is not F".
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "core/message.h"
#include "core/result.h"
#include "core/value.h"

namespace eddy::core::kv {

Value encode_write(const KvWriteBody& write, const std::string& origin, int64_t origin_msg_id);
Value encode_cas(const KvCasBody& cas, const std::string& origin, int64_t origin_msg_id);

class KvMachine {
 public:
  // Results remembered for duplicate suppression.
  static constexpr size_t kResultsMax = 4096;

  // Applies a committed command; the reply its origin gets (the earlier
  // reply for a duplicate). A malformed command (none is ever proposed)
  // changes nothing and gets error 13.
  Body apply(const Value& command);
  // The reply to a read of `key` now (read_ok, or error 20).
  Body read(const Value& key) const;
  // The reply the request (origin, msg_id) got, if it was applied and is
  // still remembered.
  std::optional<Body> result_of(const std::string& origin, int64_t msg_id) const;

  Value snapshot() const;
  Result<bool, std::string> restore(const Value& snapshot);

  size_t size() const { return values_.size(); }
  bool operator==(const KvMachine&) const = default;

 private:
  using RequestId = std::pair<std::string, int64_t>;
  struct Result_ {
    int32_t code = 0;  // 0: ok
    std::string text;
    friend bool operator==(const Result_&, const Result_&) = default;
  };

  Result_ apply_write(const Value& key, const Value& value);
  Result_ apply_cas(const Value& key, const Value& from, const Value& to, bool create);
  Body reply_for(bool is_cas, const Result_& result) const;
  void remember(RequestId id, Result_ result);

  std::map<Value, Value> values_;
  std::map<RequestId, std::pair<bool, Result_>> results_;  // id -> (is cas, result)
  std::deque<RequestId> results_order_;                    // oldest first
};

}  // namespace eddy::core::kv
