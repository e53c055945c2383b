// KafkaMachine: the kafka state machine the raft strategy replicates
// (core/kv/raft_kv.h), beside the lin-kv one (core/kv/kv_machine.h) in the
// same Raft log. Every node applies the same committed commands in the same
// order, so every node holds the same logs and committed offsets; polls and
// list_committed_offsets are served from it by the leader (ReadIndex), not
// through the log.
//
// A command is compact JSON, built by encode_send / encode_commit:
//   ["s", key, msg, origin, origin_msg_id]
//   ["o", [[key, offset], ...], origin, origin_msg_id]
// A send takes the key's next offset when it applies (never when it is
// proposed), so offsets are decided by the log's order alone: unique, and
// gap-free per key. A commit raises each key's committed offset to at least
// the one named (KafkaLog::commit takes the maximum), so committed offsets
// never go back, on any node, whatever order commits arrive in.
//
// As in KvMachine, (origin, origin_msg_id) names the client's request: one
// applied once is never applied again (a duplicated forward, a retry), its
// first result is answered instead. The table is bounded (oldest forgotten
// first) and is part of the snapshot, so every node forgets the same ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kafka/log.h"
#include "core/limits.h"
#include "core/message.h"
#include "core/result.h"
#include "core/value.h"

namespace eddy::core::kafka {

Value encode_send(const SendBody& send, const std::string& origin, int64_t origin_msg_id);
Value encode_commit(const CommitOffsetsBody& commit, const std::string& origin,
                    int64_t origin_msg_id);
// True for a command encode_send or encode_commit built (by its tag alone:
// apply() still checks the rest).
bool is_kafka_command(const Value& command);

class KafkaMachine {
 public:
  // Results remembered for duplicate suppression (as KvMachine::kResultsMax).
  static constexpr size_t kResultsMax = 4096;

  // Applies a committed command; the reply its origin gets (send_ok with the
  // offset, commit_offsets_ok; the earlier reply for a duplicate). A
  // malformed command (none is ever proposed) changes nothing and gets
  // error 13.
  Body apply(const Value& command);
  // The reply to a poll now, within the poll limits of `limits`.
  PollOkBody poll(const KeyOffsets& offsets, const Limits& limits) const;
  // The reply to list_committed_offsets now.
  ListCommittedOffsetsOkBody list_committed(const std::vector<std::string>& keys) const;
  // The reply the request (origin, msg_id) got, if it was applied and is
  // still remembered.
  std::optional<Body> result_of(const std::string& origin, int64_t msg_id) const;

  // The whole state (logs, committed offsets, remembered results); restore()
  // of it gives an equal machine. Null restores the empty machine.
  Value snapshot() const;
  Result<bool, std::string> restore(const Value& snapshot);

  const KafkaLog& log() const { return log_; }
  void check_invariants() const;

 private:
  using RequestId = std::pair<std::string, int64_t>;
  // A send's offset, or nullopt for a commit (whose reply is always ok).
  using Outcome = std::optional<int64_t>;

  static Body reply_for(const Outcome& outcome);
  void remember(RequestId id, Outcome outcome);

  KafkaLog log_;
  std::map<RequestId, Outcome> results_;
  std::deque<RequestId> results_order_;  // oldest first
};

}  // namespace eddy::core::kafka
