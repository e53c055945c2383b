// Raft: the consensus protocol of one node, pure (the Raft thesis, Ongaro
// 2014, chapters 3, 6 and 9; etcd's raft.go as the reference engineering).
// Time and messages come in as arguments; what must happen as a result
// accumulates in an Output that the caller takes after each input, like
// etcd's Ready: what to persist, then what to send, what became committed,
// which reads are now linearizable. Nothing here blocks, reads a clock or a
// global random source, or knows what the commands mean.
//
// What it implements:
//  - leader election with randomized timeouts (from the node's seeded Rng),
//    PreVote (a node only bumps its term after a majority says it could
//    win) and CheckQuorum (a leader that has not heard from a majority for an
//    election timeout steps down; a node that heard from a leader within the
//    minimum timeout ignores votes), so a node returning from a minority
//    never disrupts a working leader;
//  - log replication in rounds: the leader sends what arrived since the last
//    round (entries, the commit index, the round number that confirms reads)
//    to the majority it needs, preferring followers idle longest, and starts
//    the next round once a majority has acknowledged this one (Nagle's rule:
//    one round outstanding, everything meanwhile rides the next). Followers
//    left out hear at least every heartbeat_ms; one far behind gets full
//    batches pipelined (max_inflight_appends of max_entries_per_append).
//    Fast back-off on conflicts (a follower's conflicting term and its first
//    index), and commitment by counting replicas only for entries of the
//    leader's own term (the Raft paper's figure 8);
//  - ReadIndex reads: a read is linearizable once the leader has committed an
//    entry of its term, a majority has acknowledged a round started after the
//    read arrived, and the state machine has applied the commit index the
//    read recorded. No leases: they would rest on bounded clock drift, which
//    the simulator's --clock-skew-ms breaks on purpose;
//  - snapshots: the caller compacts the log behind its state machine's
//    snapshot; a follower behind the compacted prefix gets the snapshot;
//  - persistence as effects: term, vote, entries and snapshots are put in
//    Output::persist, which the caller hands to the driver before it sends
//    Output::messages (docs/raft.md argues why that order is enough).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/persist.h"
#include "core/raft/log.h"
#include "core/raft/message.h"
#include "core/random.h"

namespace eddy::core::raft {

struct RaftConfig {
  // Deliberate bugs, for the broken variants that prove the simulator and
  // the checker catch them (tests/broken/broken_raft.cc). Never in a real
  // configuration.
  enum class Flaw : uint8_t {
    kNone,
    kCommitOldTermByCounting,  // the Raft paper's figure 8 (and no no-op on election)
    kTwoVotesPerTerm,          // grants every candidate with a good enough log
  };
  Flaw flaw = Flaw::kNone;

  std::string self;
  std::vector<std::string> peers;  // every node, self included
  // A follower that hears no leader for a random time in [T, 2T) starts an
  // election; a leader steps down after T without a majority (CheckQuorum).
  int64_t election_timeout_ms = 400;
  // Every follower hears from the leader at least this often (an append
  // with entries counts: heartbeats go only to followers left idle); also
  // how long a round may stay unacknowledged before the next one starts.
  int64_t heartbeat_ms = 50;
  size_t max_entries_per_append = 256;
  // Appends with entries unacknowledged per follower: one while it keeps up
  // (everything else waits for the next round); up to this many full
  // batches while it catches up.
  int max_inflight_appends = 4;
  // Rounds (docs/raft.md, "Rounds"): a new round starts once fewer than
  // max_rounds_outstanding are unacknowledged by a majority, and at least
  // batch_window_ms after the last acknowledgement, so that requests set
  // off by that round's answers, arriving together, share the next round
  // instead of each closed-loop client falling in step just behind one.
  // Two outstanding rounds cut latency at low load for about 40% more
  // messages at rate 100 (measured in docs/raft.md).
  int64_t batch_window_ms = 3;
  int64_t max_rounds_outstanding = 1;
  // A leader refuses proposals while this many entries are uncommitted (a
  // bound on log memory while a majority is unreachable).
  Index max_uncommitted_entries = 4096;
};

enum class Role : uint8_t { kFollower, kPreCandidate, kCandidate, kLeader };
std::string_view to_string(Role role);

struct ReadyRead {
  uint64_t id = 0;
  Index read_index = 0;  // serve once the state machine has applied this
};

struct Output {
  // Durable before any message below leaves (core/persist.h).
  std::optional<PersistEffect> persist;
  std::vector<std::pair<std::string, Message>> messages;  // (destination, message)
  // Newly committed entries, in index order, to apply.
  std::vector<std::pair<Index, Entry>> committed;
  // A snapshot a leader sent, to restore the state machine from (before
  // applying `committed`, which then starts after it).
  std::optional<SnapshotData> install;
  std::vector<ReadyRead> ready_reads;
  // Reads that can no longer be confirmed (the leader stepped down).
  std::vector<uint64_t> failed_reads;
};

class Raft {
 public:
  Raft(RaftConfig config, Rng rng, int64_t now_ms);

  // Restores a restarted node's durable state (before any other call). The
  // caller restores its state machine from persisted.snapshot.
  void restore(const Persisted& persisted);

  // The time has come (call it at next_deadline_ms() or later). The
  // deadline may be the current time: a leader's round is due. Calling tick
  // after the inputs already queued for that instant lets them join it.
  void tick(int64_t now_ms);
  int64_t next_deadline_ms() const;
  // A message from peer `from`.
  void step(int64_t now_ms, const std::string& from, const Message& message);
  // Appends a command to the log of a leader; its index, or nullopt when this
  // node is not the leader or too much is uncommitted (nothing was appended).
  std::optional<Index> propose(int64_t now_ms, Value command);
  // Registers a linearizable read (leader only); it shows up in
  // Output::ready_reads or failed_reads. nullopt when not the leader.
  std::optional<uint64_t> read(int64_t now_ms);
  // The caller's state machine has applied everything through `index` and
  // can be restored from `data`: the log before it may go.
  void compact(Index index, Value data);

  Output take_output();

  Role role() const { return role_; }
  Term term() const { return term_; }
  const std::string& leader() const { return leader_; }
  const std::string& self() const { return config_.self; }
  Index commit_index() const { return commit_; }
  const RaftLog& log() const { return log_; }
  // Whether a leader was heard from (or this node led) within the minimum
  // election timeout: the followers' lease behind CheckQuorum.
  bool leader_recently_heard(int64_t now_ms) const;

  // Aborts if the node's own bookkeeping is inconsistent.
  void check_invariants() const;

 private:
  struct Progress {
    Index match = 0;
    Index next = 1;
    bool replicating = false;  // false: probing, one append at a time
    int inflight = 0;
    bool active = false;               // heard from since the last CheckQuorum
    int64_t round = 0;                 // the newest round this peer acknowledged
    int64_t last_progress_ms = 0;      // when match last grew (or replication restarted)
    int64_t last_sent_ms = 0;          // when the leader last sent it anything
    int64_t unanswered_since_ms = -1;  // the first send since its last reply
  };
  struct PendingRead {
    uint64_t id = 0;
    int64_t round = 0;
    Index read_index = 0;
  };

  size_t quorum() const { return config_.peers.size() / 2 + 1; }
  Progress& progress_of(const std::string& peer);
  void reset_election_deadline(int64_t now_ms);

  // --- roles and elections (raft.cc) ---
  void become_follower(int64_t now_ms, Term term, const std::string& leader);
  void become_pre_candidate(int64_t now_ms);
  void become_candidate(int64_t now_ms);
  void become_leader(int64_t now_ms);
  void on_vote_request(int64_t now_ms, const std::string& from, const Message& m);
  void on_vote_reply(int64_t now_ms, const std::string& from, const Message& m);
  bool log_up_to_date(Index index, Term term) const;
  void set_hard_state(Term term, const std::string& vote);
  void send(const std::string& to, Message message);

  // --- replication (replication.cc) ---
  bool send_append(const std::string& peer, bool even_if_empty);
  bool may_send_entries(const Progress& pr) const;
  void mark_sent(Progress& pr);
  bool silent(const Progress& pr) const;
  void start_round(int64_t now_ms, size_t fanout);
  bool round_news() const;
  int64_t acknowledged_round() const;
  bool round_acknowledged() const;
  bool round_may_start() const;
  bool round_due(int64_t now_ms) const;
  void catch_up();
  void heartbeat(int64_t now_ms);
  int64_t leader_deadline_ms() const;
  void on_append(int64_t now_ms, const std::string& from, const Message& m);
  void on_append_reply(int64_t now_ms, const std::string& from, const Message& m);
  void on_snapshot(int64_t now_ms, const std::string& from, const Message& m);
  // An append or snapshot from the leader of our term: follow it, note the
  // contact, and return the reply to fill in (an append reply echoing m's
  // read round).
  Message follow_leader(int64_t now_ms, const std::string& from, const Message& m);
  void maybe_commit(int64_t now_ms);
  void set_commit(Index commit);
  void append_entry(Entry entry);
  void truncate_log(Index from);
  void persist_snapshot(Index index, Term term, const Value& data, bool log_replaced);
  PersistEffect& pending_persist();

  // --- reads (replication.cc) ---
  void register_read(uint64_t id);
  void advance_reads();
  void fail_reads();

  RaftConfig config_;
  Rng rng_;
  Role role_ = Role::kFollower;
  Term term_ = 0;
  std::string vote_;
  std::string leader_;
  RaftLog log_;
  Value snapshot_data_;  // the state machine at log_.snapshot_index()
  Index commit_ = 0;
  Index handed_out_ = 0;  // committed entries given to the caller so far

  // Doubles each time an election of ours runs out of time (up to 2), back
  // to 1 once a leader is heard: split votes, likely when the network's
  // round trip is a good part of the timeout, do not repeat forever. Not
  // more: an election lost to message loss should be retried soon (a cap
  // of 8 kept a lossy 2-node cluster leaderless for 20 s, fuzz seed 7520).
  int64_t election_backoff_ = 1;
  int64_t election_deadline_ms_ = 0;
  int64_t check_quorum_deadline_ms_ = 0;
  int64_t last_leader_contact_ms_ = -1;
  std::set<std::string> votes_;  // grants in the current (pre-)election
  std::set<std::string> refusals_;
  std::vector<std::pair<std::string, Progress>> progress_;  // leader: per peer, sorted

  int64_t now_ms_ = 0;  // the time of the input being handled
  // The leader's newest round: every append carries it and every reply
  // echoes it, so an echo of round r proves the follower took this node for
  // its leader after round r started, hence after every read registered
  // with round r.
  int64_t round_ = 0;
  int64_t round_started_ms_ = 0;
  int64_t round_acked_ms_ = 0;  // when a majority last acknowledged a newer round
  // How long the last acknowledged round took: a follower that leaves a
  // message unanswered for twice that is passed over by the next rounds.
  int64_t round_trip_ms_ = 0;
  std::vector<uint64_t> deferred_reads_;  // before the first commit of the term
  std::vector<PendingRead> pending_reads_;
  uint64_t next_read_id_ = 1;

  Output output_;
};

}  // namespace eddy::core::raft
