// RaftKv: the `raft` strategy, for both of Maelstrom's workloads it serves:
// lin-kv (read, write, cas) and kafka (send, poll, commit_offsets,
// list_committed_offsets). The nodes run Raft (core/raft/raft.h) among
// themselves and replicate one state machine made of two: a KvMachine
// (core/kv/kv_machine.h) and a KafkaMachine (core/kafka/raft_machine.h),
// one log and one snapshot for both; a command goes to the machine its tag
// names. No Maelstrom service is involved. (Named for lin-kv, which it
// served first.)
//
// Serving a request (docs/raft.md argues each answer):
//  - the leader proposes a write, cas, send or commit_offsets (unless the
//    same request was applied or is in the log already: duplicates are
//    answered once) and answers when its entry applies; a read, poll or
//    list_committed_offsets registers a ReadIndex read and is served from the
//    state machine once confirmed and applied;
//  - a follower that heard from its leader within the election timeout
//    forwards the request to it and relays the answer; a request forwarded
//    to a node that is not the leader is refused, so forwards never chain;
//  - a node that knows no leader holds the request for up to an election
//    timeout (an election is likely under way), then routes or refuses it;
//  - error 11 (definite) only where the op certainly never entered a log:
//    no leader known, not the leader, too much uncommitted, a read that
//    could not be confirmed, an entry overwritten by a later leader's (the
//    index it was proposed at applied another term's entry);
//  - indefinite (error 0 timeout, or 13) where it may have: a forward with
//    no answer in time, a proposal whose index a snapshot skipped over.
//
// Persistence: Raft's PersistEffects go to the driver before the messages
// that depend on them; restore() rebuilds the node from them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/application.h"
#include "core/kafka/raft_machine.h"
#include "core/kv/kv_machine.h"
#include "core/raft/raft.h"
#include "core/result.h"
#include "core/value.h"

namespace eddy::core::kv {

struct RaftKvOptions {
  // The Raft's own knobs (raft::RaftConfig says what each does); eddy-node's
  // and eddy-sim's --raft-* flags set them (node_main/raft_flags.h).
  int64_t election_timeout_ms = 400;
  int64_t heartbeat_ms = 50;
  size_t max_entries_per_append = 256;
  int64_t batch_window_ms = 3;
  int64_t max_rounds_outstanding = 1;
  // The state machine is snapshotted and the log compacted behind it once
  // this many applied entries are held (a bound on log memory).
  int64_t compact_after_entries = 1000;

  // Deliberate bugs for tests/broken/broken_raft.cc; never in a real node.
  raft::RaftConfig::Flaw raft_flaw = raft::RaftConfig::Flaw::kNone;
  bool flaw_read_without_read_index = false;  // the leader reads its own state at once
  bool flaw_ack_before_commit = false;        // a write is applied and answered when proposed
};

class RaftKv final : public Application {
 public:
  explicit RaftKv(RaftKvOptions options = {}) : options_(options) {}

  void restore(const Persisted& persisted) override;
  void on_init(Context& ctx) override;
  bool on_request(Context& ctx, Message& request) override;
  void on_timer(Context& ctx, uint64_t arg) override;
  void check_invariants() const override;

  // For the simulator's checks across nodes; null before init.
  const raft::Raft* raft() const override { return raft_ ? &*raft_ : nullptr; }
  raft::Index applied() const { return applied_; }
  const KvMachine& machine() const { return machine_; }
  const kafka::KafkaMachine& kafka_machine() const { return kafka_; }

 private:
  static constexpr uint64_t kTickTimer = 1;
  static constexpr uint64_t kWaitTimer = 2;
  // Requests held while no leader is known, at most.
  static constexpr size_t kWaitingMax = 1024;

  struct Waiting {
    int64_t deadline_ms = 0;
    Message request;
  };

  // A request forwarded to the leader, kept until its answer comes back, so
  // that it can follow leadership: if another node leads before the answer
  // came, the request is routed again there (and the first forward's answer,
  // should it still come, is ignored).
  struct Forward {
    std::string leader;  // where it went
    Message request;     // the client's request, its origin filled in
  };

  struct PendingWrite {
    Message request;  // the envelope to answer (its body is not kept)
    raft::Term term = 0;
    std::pair<std::string, int64_t> id;
  };

  // Serves, forwards, holds or refuses a client's (or a forwarded) request.
  void route(Context& ctx, Message& request);
  // Routes the held requests once a leader is known; refuses those past
  // their deadline.
  void route_waiting(Context& ctx);
  // Routes again the forwards whose leader is no longer the one this node
  // knows (or is: it leads now).
  void reroute_forwards(Context& ctx);
  void serve_as_leader(Context& ctx, Message& request);
  void forward(Context& ctx, Message& request);
  // Error 11: the request entered no log. For a write routed again after a
  // forward (rerouted_writes_), an indefinite error instead: the first
  // forward may have put it in a log.
  void refuse(Context& ctx, const Message& request, std::string why);
  bool rerouted_write(const Message& client_request) const;
  // Remembers a write routed again (rerouted_writes_); reads need not be.
  void mark_rerouted(const Message& request);
  // A node refused a write this node forwarded to it (error 11).
  void on_forward_refused(Context& ctx, Message client, const std::string& refuser,
                          const std::string& why);
  // Takes Raft's output and acts on it, in order: persist, send, install,
  // apply, answer; compacts the log when it has grown; re-arms the timer.
  void flush(Context& ctx);
  void apply_committed(Context& ctx, raft::Index index, const raft::Entry& entry);
  void serve_confirmed_reads(Context& ctx);
  // Answers a read, poll or list_committed_offsets from the state machine.
  void answer_read(Context& ctx, const Message& request) const;

  // The two machines as one: a command goes to the one its tag names; a
  // request's remembered result is in whichever applied it; the snapshot
  // holds both.
  Body apply_command(const Value& command);
  std::optional<Body> result_of(const std::pair<std::string, int64_t>& id) const;
  Value snapshot_state() const;
  Result<bool, std::string> restore_state(const Value& snapshot);

  RaftKvOptions options_;
  std::optional<Persisted> restored_;
  std::optional<raft::Raft> raft_;
  KvMachine machine_;
  kafka::KafkaMachine kafka_;
  raft::Index applied_ = 0;
  std::map<raft::Index, PendingWrite> pending_writes_;
  std::set<std::pair<std::string, int64_t>> proposed_;  // requests in the log, not yet applied
  std::map<uint64_t, Message> pending_reads_;           // ReadIndex id -> the read (or poll, list)
  std::vector<std::pair<raft::Index, Message>> confirmed_reads_;  // waiting for apply
  std::deque<Waiting> waiting_;           // held while no leader is known, oldest first
  std::map<uint64_t, Forward> forwards_;  // by forward number, awaiting the leader's answer
  uint64_t next_forward_ = 1;
  // Client requests (src, msg_id) of writes routed again, newest last; at
  // most kReroutedMax remembered (one outlives a client's patience by far).
  static constexpr size_t kReroutedMax = 4096;
  std::set<std::pair<std::string, int64_t>> rerouted_writes_;
  std::deque<std::pair<std::string, int64_t>> rerouted_order_;
  int64_t next_anonymous_id_ = -1;  // for requests without a msg_id
};

}  // namespace eddy::core::kv
