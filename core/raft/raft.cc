// Raft's roles, elections and the dispatch of inputs (replication and reads
// are in replication.cc).
#include "core/raft/raft.h"

#include <algorithm>
#include <utility>

#include "core/invariant.h"

namespace eddy::core::raft {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kPreCandidate:
      return "pre-candidate";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
  }
  return "?";
}

std::string_view to_string(MessageKind kind) {
  switch (kind) {
    case MessageKind::kPreVote:
      return "pre-vote";
    case MessageKind::kPreVoteReply:
      return "pre-vote-reply";
    case MessageKind::kVote:
      return "vote";
    case MessageKind::kVoteReply:
      return "vote-reply";
    case MessageKind::kAppend:
      return "append";
    case MessageKind::kAppendReply:
      return "append-reply";
    case MessageKind::kSnapshot:
      return "snapshot";
  }
  return "?";
}

Raft::Raft(RaftConfig config, Rng rng, int64_t now_ms)
    : config_(std::move(config)), rng_(rng), snapshot_data_(Value::from_json_text("null")) {
  std::sort(config_.peers.begin(), config_.peers.end());
  config_.peers.erase(std::unique(config_.peers.begin(), config_.peers.end()), config_.peers.end());
  EDDY_INVARIANT(std::binary_search(config_.peers.begin(), config_.peers.end(), config_.self),
                 "a Raft node must be one of its peers");
  reset_election_deadline(now_ms);
}

void Raft::restore(const Persisted& persisted) {
  term_ = persisted.hard_state.term;
  vote_ = persisted.hard_state.vote;
  if (persisted.snapshot) {
    log_.compact_to(persisted.snapshot->index, persisted.snapshot->term);
    snapshot_data_ = persisted.snapshot->data;
    // A snapshot holds only committed state.
    commit_ = handed_out_ = persisted.snapshot->index;
  }
  for (const PersistedEntry& entry : persisted.entries) {
    EDDY_INVARIANT(entry.index == log_.last_index() + 1, "persisted entries with a gap");
    log_.append(Entry{entry.term, entry.command});
  }
}

void Raft::reset_election_deadline(int64_t now_ms) {
  const auto timeout = config_.election_timeout_ms * election_backoff_;
  election_deadline_ms_ =
      now_ms + timeout +
      static_cast<int64_t>(rng_.below(static_cast<uint64_t>(std::max<int64_t>(timeout, 1))));
}

bool Raft::leader_recently_heard(int64_t now_ms) const {
  if (role_ == Role::kLeader) return true;  // CheckQuorum confirms it every timeout
  return last_leader_contact_ms_ >= 0 &&
         now_ms - last_leader_contact_ms_ < config_.election_timeout_ms;
}

int64_t Raft::next_deadline_ms() const {
  if (role_ == Role::kLeader) return leader_deadline_ms();
  return election_deadline_ms_;
}

void Raft::tick(int64_t now_ms) {
  now_ms_ = now_ms;
  if (role_ == Role::kLeader) {
    if (now_ms >= check_quorum_deadline_ms_) {
      // CheckQuorum: a leader cut off from a majority must not go on
      // believing it leads (its ReadIndex reads would stall, its writes
      // never commit); stepping down lets its clients hear error 11.
      size_t active = 1;
      for (auto& [peer, progress] : progress_) {
        active += progress.active ? 1 : 0;
        progress.active = false;
      }
      if (active < quorum()) {
        become_follower(now_ms, term_, "");
        return;
      }
      check_quorum_deadline_ms_ = now_ms + config_.election_timeout_ms;
    }
    heartbeat(now_ms);
    return;
  }
  if (now_ms >= election_deadline_ms_) {
    if (role_ != Role::kFollower) election_backoff_ = std::min<int64_t>(election_backoff_ * 2, 2);
    become_pre_candidate(now_ms);
  }
}

void Raft::step(int64_t now_ms, const std::string& from, const Message& m) {
  now_ms_ = now_ms;
  if (!std::binary_search(config_.peers.begin(), config_.peers.end(), from) ||
      from == config_.self) {
    return;  // not one of ours
  }
  const bool vote_request = m.kind == MessageKind::kVote || m.kind == MessageKind::kPreVote;
  if (m.term > term_) {
    // CheckQuorum's lease: while a leader is heard from, a vote request, even
    // of a higher term, is ignored; so a node back from a partition cannot
    // depose a working leader.
    if (vote_request && !leader_.empty() && leader_recently_heard(now_ms)) return;
    const bool granted_pre_vote = m.kind == MessageKind::kPreVoteReply && !m.reject;
    if (m.kind != MessageKind::kPreVote && !granted_pre_vote) {
      const bool from_leader = m.kind == MessageKind::kAppend || m.kind == MessageKind::kSnapshot;
      become_follower(now_ms, m.term, from_leader ? from : "");
    }
  } else if (m.term < term_) {
    if (m.kind == MessageKind::kAppend || m.kind == MessageKind::kSnapshot) {
      // A deposed leader: tell it the term, so that it steps down.
      send(from, Message{.kind = MessageKind::kAppendReply, .term = term_, .reject = true});
    } else if (m.kind == MessageKind::kPreVote) {
      send(from, Message{.kind = MessageKind::kPreVoteReply, .term = term_, .reject = true});
    }
    return;
  }
  switch (m.kind) {
    case MessageKind::kPreVote:
    case MessageKind::kVote:
      return on_vote_request(now_ms, from, m);
    case MessageKind::kPreVoteReply:
    case MessageKind::kVoteReply:
      return on_vote_reply(now_ms, from, m);
    case MessageKind::kAppend:
      return on_append(now_ms, from, m);
    case MessageKind::kAppendReply:
      return on_append_reply(now_ms, from, m);
    case MessageKind::kSnapshot:
      return on_snapshot(now_ms, from, m);
  }
}

// --- roles ------------------------------------------------------------------------

void Raft::become_follower(int64_t now_ms, Term term, const std::string& leader) {
  if (role_ == Role::kLeader) fail_reads();
  role_ = Role::kFollower;
  if (term != term_) set_hard_state(term, "");
  leader_ = leader;
  progress_.clear();
  votes_.clear();
  refusals_.clear();
  if (!leader.empty()) {
    last_leader_contact_ms_ = now_ms;
    election_backoff_ = 1;
  }
  reset_election_deadline(now_ms);
}

void Raft::become_pre_candidate(int64_t now_ms) {
  // PreVote: ask before bumping the term, so that a node that cannot win
  // (cut off, or behind) never forces the others into a new term.
  role_ = Role::kPreCandidate;
  leader_.clear();
  votes_ = {config_.self};
  refusals_.clear();
  reset_election_deadline(now_ms);
  if (votes_.size() >= quorum()) return become_candidate(now_ms);
  for (const std::string& peer : config_.peers) {
    if (peer == config_.self) continue;
    send(peer, Message{.kind = MessageKind::kPreVote,
                       .term = term_ + 1,
                       .index = log_.last_index(),
                       .log_term = log_.last_term()});
  }
}

void Raft::become_candidate(int64_t now_ms) {
  role_ = Role::kCandidate;
  leader_.clear();
  set_hard_state(term_ + 1, config_.self);
  votes_ = {config_.self};
  refusals_.clear();
  reset_election_deadline(now_ms);
  if (votes_.size() >= quorum()) return become_leader(now_ms);
  for (const std::string& peer : config_.peers) {
    if (peer == config_.self) continue;
    send(peer, Message{.kind = MessageKind::kVote,
                       .term = term_,
                       .index = log_.last_index(),
                       .log_term = log_.last_term()});
  }
}

void Raft::become_leader(int64_t now_ms) {
  role_ = Role::kLeader;
  election_backoff_ = 1;
  leader_ = config_.self;
  votes_.clear();
  refusals_.clear();
  progress_.clear();
  for (const std::string& peer : config_.peers) {
    if (peer == config_.self) continue;
    Progress progress;
    progress.next = log_.last_index() + 1;
    progress.last_progress_ms = now_ms;
    progress_.emplace_back(peer, progress);
  }
  check_quorum_deadline_ms_ = now_ms + config_.election_timeout_ms;
  // A no-op of its own term: the earlier terms' entries commit with it
  // (never by counting), and ReadIndex may start once it commits. (The
  // figure-8 flaw leaves it out, which is what makes counting dangerous.)
  if (config_.flaw != RaftConfig::Flaw::kCommitOldTermByCounting) {
    append_entry(Entry{term_, Value::from_json_text("null")});
  }
  // The first round goes to everyone: each learns of its leader at once
  // (RaftKv holds requests while no leader is known).
  start_round(now_ms, progress_.size());
  maybe_commit(now_ms);
}

// --- votes --------------------------------------------------------------------------

bool Raft::log_up_to_date(Index index, Term term) const {
  return term > log_.last_term() || (term == log_.last_term() && index >= log_.last_index());
}

void Raft::on_vote_request(int64_t now_ms, const std::string& from, const Message& m) {
  const bool pre = m.kind == MessageKind::kPreVote;
  // A real vote: one per term (it is persisted before the reply leaves). A
  // pre-vote changes nothing here, so it may be granted to any candidate
  // for a later term whose log is as good as ours.
  const bool can_vote = pre ? m.term > term_
                            : vote_ == from || (vote_.empty() && leader_.empty()) ||
                                  config_.flaw == RaftConfig::Flaw::kTwoVotesPerTerm;
  const MessageKind reply = pre ? MessageKind::kPreVoteReply : MessageKind::kVoteReply;
  // Two pre-candidates for the same term with equal logs (their timers ran
  // out within a round trip, as after a leader's loss) would both win their
  // pre-votes and then split the real vote, costing another timeout or two.
  // The greater node id yields: it grants the other's pre-vote and is
  // refused its own. A pre-vote decides nothing (no term, no vote changes),
  // so this touches liveness only.
  const bool rival = pre && role_ == Role::kPreCandidate && m.term == term_ + 1 &&
                     m.log_term == log_.last_term() && m.index == log_.last_index() &&
                     config_.self < from;
  if (can_vote && !rival && log_up_to_date(m.index, m.log_term)) {
    // The reply carries the request's term: a pre-candidate is still a term
    // behind, and would drop a reply of ours as stale otherwise.
    send(from, Message{.kind = reply, .term = m.term});
    if (!pre) {
      // (With the two-votes flaw the first vote stays recorded: the lie is
      // in granting the second.)
      set_hard_state(term_, vote_.empty() ? from : vote_);
      reset_election_deadline(now_ms);
    }
    return;
  }
  send(from, Message{.kind = reply, .term = term_, .reject = true});
  // A follower that has not heard its leader for a timeout either, asked by
  // a node whose log is behind its own (which cannot win), runs for the term
  // itself at once rather than wait out its own timer: the node that can win
  // goes first. Only a pre-vote round: nothing changes unless a majority
  // agrees, as on its own timeout.
  if (pre && can_vote && role_ == Role::kFollower && !leader_recently_heard(now_ms) &&
      !log_up_to_date(m.index, m.log_term)) {
    become_pre_candidate(now_ms);
  }
}

void Raft::on_vote_reply(int64_t now_ms, const std::string& from, const Message& m) {
  const bool pre = m.kind == MessageKind::kPreVoteReply;
  if (role_ != (pre ? Role::kPreCandidate : Role::kCandidate)) return;
  if (pre && m.term != term_ + 1 && !m.reject) return;  // a stale round's grant
  (m.reject ? refusals_ : votes_).insert(from);
  if (votes_.size() >= quorum()) {
    if (pre) return become_candidate(now_ms);
    return become_leader(now_ms);
  }
  if (refusals_.size() >= quorum()) become_follower(now_ms, term_, "");
}

// --- plumbing -------------------------------------------------------------------------

void Raft::set_hard_state(Term term, const std::string& vote) {
  term_ = term;
  vote_ = vote;
  pending_persist().hard_state = HardState{term_, vote_};
}

PersistEffect& Raft::pending_persist() {
  if (!output_.persist) output_.persist.emplace();
  return *output_.persist;
}

void Raft::send(const std::string& to, Message message) {
  output_.messages.emplace_back(to, std::move(message));
}

Output Raft::take_output() {
  if (role_ == Role::kLeader) catch_up();
  // Everything committed and not yet handed out, in order.
  const Index from = std::max(handed_out_ + 1, log_.first_index());
  for (Index i = from; i <= commit_; ++i) output_.committed.emplace_back(i, log_.at(i));
  handed_out_ = std::max(handed_out_, commit_);
  Output out = std::move(output_);
  output_ = Output{};
  return out;
}

void Raft::check_invariants() const {
  EDDY_INVARIANT(commit_ <= log_.last_index(), "commit index past the log's end");
  EDDY_INVARIANT(log_.snapshot_index() <= commit_, "a snapshot of uncommitted entries");
  EDDY_INVARIANT(handed_out_ <= commit_, "uncommitted entries handed out to apply");
  EDDY_INVARIANT(role_ != Role::kLeader || leader_ == config_.self, "a leader that names another");
  EDDY_INVARIANT(role_ != Role::kLeader || vote_ == config_.self,
                 "a leader that did not vote for itself in its term");
  Term previous = log_.snapshot_term();
  for (Index i = log_.first_index(); i <= log_.last_index(); ++i) {
    EDDY_INVARIANT(log_.at(i).term >= previous, "log terms go backwards");
    EDDY_INVARIANT(log_.at(i).term <= term_, "a log entry from a future term");
    previous = log_.at(i).term;
  }
}

}  // namespace eddy::core::raft
