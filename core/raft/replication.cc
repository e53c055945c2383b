// Raft's log replication, commitment, snapshots and ReadIndex reads.
#include <algorithm>
#include <utility>

#include "core/invariant.h"
#include "core/raft/raft.h"

namespace eddy::core::raft {

Raft::Progress& Raft::progress_of(const std::string& peer) {
  for (auto& [name, progress] : progress_) {
    if (name == peer) return progress;
  }
  EDDY_INVARIANT(false, "no progress for peer " + peer);
}

// --- the leader's side ------------------------------------------------------------
//
// Messages are what Raft costs, so the leader sends in rounds (docs/raft.md,
// "Replication"): a round carries everything that arrived since the last one
// to the followers a majority needs, and the next round waits until a
// majority has acknowledged this one, as Nagle's rule waits for an ack. So a
// round trip carries every proposal and read of its time, however many.

void Raft::mark_sent(Progress& pr) {
  pr.last_sent_ms = now_ms_;
  if (pr.unanswered_since_ms < 0) pr.unanswered_since_ms = now_ms_;
}

// Whether entries may go to the follower now: one append with entries at a
// time while it keeps up (the rest rides the next round), more only as full
// batches for a follower that is far behind.
bool Raft::may_send_entries(const Progress& pr) const {
  if (pr.inflight == 0) return true;
  const Index unsent = log_.last_index() - pr.next + 1;
  return pr.replicating && pr.inflight < config_.max_inflight_appends &&
         unsent >= static_cast<Index>(config_.max_entries_per_append);
}

// Sends the follower what it lacks, as its window allows; with
// even_if_empty, at least an empty append (a heartbeat, or a round's
// number). Returns whether anything was sent.
bool Raft::send_append(const std::string& peer, bool even_if_empty) {
  Progress& pr = progress_of(peer);
  if (pr.next <= log_.snapshot_index()) {
    // Behind the compacted prefix: only the snapshot can bring it back.
    if (pr.inflight > 0 && !even_if_empty) return false;
    send(peer, Message{.kind = MessageKind::kSnapshot,
                       .term = term_,
                       .index = log_.snapshot_index(),
                       .log_term = log_.snapshot_term(),
                       .commit = commit_,
                       .read_round = round_,
                       .snapshot = SnapshotData{log_.snapshot_index(), log_.snapshot_term(),
                                                snapshot_data_}});
    pr.inflight = config_.max_inflight_appends;  // nothing more until it answers
    mark_sent(pr);
    return true;
  }
  std::vector<Entry> entries;
  if (may_send_entries(pr)) entries = log_.slice(pr.next, config_.max_entries_per_append);
  if (!entries.empty()) {
    const Index prev = pr.next - 1;
    const size_t count = entries.size();
    send(peer, Message{.kind = MessageKind::kAppend,
                       .term = term_,
                       .index = prev,
                       .log_term = *log_.term_at(prev),
                       .entries = std::move(entries),
                       .commit = commit_,
                       .read_round = round_});
    ++pr.inflight;
    mark_sent(pr);
    // Pipelining: while replicating, the next append follows what this one
    // carries.
    if (pr.replicating) pr.next = prev + static_cast<Index>(count) + 1;
    return true;
  }
  if (!even_if_empty) return false;
  // Empty: after an entry the follower surely holds (its match), so that it
  // is never rejected for a gap.
  const Index prev = log_.term_at(pr.match) ? pr.match : pr.next - 1;
  send(peer, Message{.kind = MessageKind::kAppend,
                     .term = term_,
                     .index = prev,
                     .log_term = *log_.term_at(prev),
                     .commit = std::min(commit_, prev),
                     .read_round = round_});
  mark_sent(pr);
  return true;
}

// A follower that has left a message unanswered for two round trips: cut
// off, down, or slow. Rounds pass it over, and what was sent to it is not
// counted on.
bool Raft::silent(const Progress& pr) const {
  return pr.unanswered_since_ms >= 0 && now_ms_ - pr.unanswered_since_ms > 2 * round_trip_ms_;
}

// Whether anything waits for a round: a read registered after the newest
// round started (or waiting on a round not yet acknowledged: round_due
// replaces that one once it is given up), or an entry not yet sent to a
// majority of followers that answer.
bool Raft::round_news() const {
  if (!pending_reads_.empty() && (pending_reads_.back().round > round_ || !round_acknowledged())) {
    return true;
  }
  size_t holders = 1;  // the leader
  for (const auto& [peer, pr] : progress_) {
    const Index sent = pr.replicating ? pr.next - 1 : pr.match;
    holders += sent >= log_.last_index() && (pr.match >= log_.last_index() || !silent(pr)) ? 1 : 0;
  }
  return holders < quorum();
}

// The newest round a majority (the leader included) has acknowledged.
int64_t Raft::acknowledged_round() const {
  if (quorum() < 2) return round_;
  std::vector<int64_t> rounds;
  for (const auto& [peer, pr] : progress_) rounds.push_back(pr.round);
  std::nth_element(rounds.begin(), rounds.begin() + static_cast<std::ptrdiff_t>(quorum() - 2),
                   rounds.end(), std::greater<>());
  return rounds[quorum() - 2];
}

bool Raft::round_acknowledged() const { return acknowledged_round() >= round_; }

bool Raft::round_may_start() const {
  return round_ - acknowledged_round() < config_.max_rounds_outstanding;
}

void Raft::start_round(int64_t now_ms, size_t fanout) {
  ++round_;
  round_started_ms_ = now_ms;
  // The followers idle longest first (so that rounds rotate over them and
  // each hears from the leader about every other round, without
  // heartbeats), but those that left a message unanswered for two round
  // trips last (a follower cut off or down drops out of the rounds by
  // itself).
  std::vector<size_t> order(progress_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Progress& x = progress_[a].second;
    const Progress& y = progress_[b].second;
    return std::pair(silent(x), x.last_sent_ms) < std::pair(silent(y), y.last_sent_ms);
  });
  for (size_t i = 0; i < order.size() && i < fanout; ++i) {
    send_append(progress_[order[i]].first, /*even_if_empty=*/true);
  }
}

// Whether a round should start now: something waits for one, and the last
// is acknowledged (or has waited a heartbeat for that: its followers may be
// cut off).
bool Raft::round_due(int64_t now_ms) const {
  return round_news() &&
         ((round_may_start() && now_ms >= round_acked_ms_ + config_.batch_window_ms) ||
          now_ms - round_started_ms_ >= config_.heartbeat_ms);
}

// After each input of a leader: feeds the followers far behind (a snapshot,
// or full batches pipelined). Rounds start only in tick(): a round due now
// asks for a tick at once (next_deadline_ms), which the driver runs after
// the inputs already queued for this instant, so they join the round.
void Raft::catch_up() {
  for (auto& [peer, pr] : progress_) {
    const Index unsent = log_.last_index() - pr.next + 1;
    if (pr.next <= log_.snapshot_index() ||
        unsent >= static_cast<Index>(config_.max_entries_per_append)) {
      while (send_append(peer, /*even_if_empty=*/false) && pr.next <= log_.last_index()) {
      }
    }
  }
}

int64_t Raft::leader_deadline_ms() const {
  int64_t due = check_quorum_deadline_ms_;
  for (const auto& [peer, pr] : progress_) {
    due = std::min(due, pr.last_sent_ms + config_.heartbeat_ms);
  }
  if (round_news()) {
    due = std::min(due, round_may_start()
                            ? std::max(now_ms_, round_acked_ms_ + config_.batch_window_ms)
                            : round_started_ms_ + config_.heartbeat_ms);
  }
  return due;
}

// A leader's tick: a round if one is due, then an append to every follower
// that has heard nothing for a heartbeat (with the entries it lacks, if its
// window allows).
void Raft::heartbeat(int64_t now_ms) {
  for (auto& [peer, pr] : progress_) {
    // Appends that went unanswered for two heartbeats were lost (or their
    // replies were): start again from what the follower is known to hold.
    if (pr.match < log_.last_index() && now_ms - pr.last_progress_ms >= 2 * config_.heartbeat_ms) {
      pr.replicating = false;
      pr.inflight = 0;
      pr.next = pr.match + 1;
      pr.last_progress_ms = now_ms;
    }
  }
  if (round_due(now_ms)) start_round(now_ms, quorum() - 1);
  for (auto& [peer, pr] : progress_) {
    if (now_ms - pr.last_sent_ms >= config_.heartbeat_ms) {
      send_append(peer, /*even_if_empty=*/true);
    }
  }
}

void Raft::on_append_reply(int64_t now_ms, const std::string& from, const Message& m) {
  if (role_ != Role::kLeader) return;
  Progress& pr = progress_of(from);
  pr.active = true;
  pr.unanswered_since_ms = -1;
  if (m.read_round > pr.round) {
    const int64_t acknowledged = acknowledged_round();
    pr.round = m.read_round;
    if (acknowledged_round() > acknowledged) {
      round_acked_ms_ = now_ms;
      if (round_acknowledged()) round_trip_ms_ = now_ms - round_started_ms_;
    }
    advance_reads();
  }
  if (m.reject) {
    // Only the rejection of the append that probes (or of the first of a
    // pipeline) says where to resume; later ones are stale.
    if (m.index < pr.match || (!pr.replicating && m.index != pr.next - 1)) return;
    Index next = m.hint_index;
    if (m.hint_term > 0) {
      if (const auto last = log_.last_index_of_term(m.hint_term)) next = *last + 1;
    }
    pr.next = std::clamp(next, pr.match + 1, m.index);
    pr.replicating = false;
    pr.inflight = 0;
    pr.last_progress_ms = now_ms;
    send_append(from, /*even_if_empty=*/false);
    return;
  }
  if (m.index > pr.match) {
    pr.match = m.index;
    pr.last_progress_ms = now_ms;
  }
  pr.next = std::max(pr.next, pr.match + 1);
  if (!pr.replicating) {
    pr.replicating = true;
    pr.inflight = 0;
  } else if (pr.inflight > 0) {
    --pr.inflight;
  }
  // What else it lacks goes with a later round, unless it is far behind
  // (catch_up, after this input).
  maybe_commit(now_ms);
}

void Raft::maybe_commit(int64_t now_ms) {
  std::vector<Index> matches{log_.last_index()};
  for (const auto& [peer, pr] : progress_) matches.push_back(pr.match);
  std::sort(matches.begin(), matches.end(), std::greater<>());
  const Index majority = matches[quorum() - 1];
  // Only an entry of the leader's own term commits by counting (the Raft
  // paper's figure 8); the earlier ones commit with it.
  const bool own_term =
      log_.term_at(majority) == term_ || config_.flaw == RaftConfig::Flaw::kCommitOldTermByCounting;
  if (majority <= commit_ || !own_term) return;
  const bool first_of_term = log_.term_at(commit_) != term_;
  set_commit(majority);
  if (first_of_term) {
    // ReadIndex may start now: the commit index is the term's.
    std::vector<uint64_t> deferred = std::move(deferred_reads_);
    deferred_reads_.clear();
    for (const uint64_t id : deferred) register_read(id);
  }
  advance_reads();
  (void)now_ms;
}

void Raft::set_commit(Index commit) {
  EDDY_INVARIANT(commit <= log_.last_index(), "committing past the log's end");
  commit_ = std::max(commit_, commit);
}

std::optional<Index> Raft::propose(int64_t now_ms, Value command) {
  now_ms_ = now_ms;
  if (role_ != Role::kLeader) return std::nullopt;
  if (log_.last_index() - commit_ >= config_.max_uncommitted_entries) return std::nullopt;
  append_entry(Entry{term_, std::move(command)});
  maybe_commit(now_ms);  // alone, a leader commits at once; else the next round carries it
  return log_.last_index();
}

// --- the follower's side ----------------------------------------------------------

Message Raft::follow_leader(int64_t now_ms, const std::string& from, const Message& m) {
  if (role_ != Role::kFollower || leader_ != from) become_follower(now_ms, term_, from);
  last_leader_contact_ms_ = now_ms;
  reset_election_deadline(now_ms);
  // Assigned field by field: GCC 12 at -O1 with ASan warns (wrongly) that a
  // designated initializer leaves the optional snapshot uninitialized.
  Message reply;
  reply.kind = MessageKind::kAppendReply;
  reply.term = term_;
  reply.read_round = m.read_round;
  return reply;
}

void Raft::on_append(int64_t now_ms, const std::string& from, const Message& m) {
  Message reply = follow_leader(now_ms, from, m);
  Index prev = m.index;
  Term prev_term = m.log_term;
  size_t skip = 0;
  if (prev < log_.snapshot_index()) {
    // The covered entries are committed, hence ours too.
    skip = static_cast<size_t>(
        std::min<Index>(log_.snapshot_index() - prev, static_cast<Index>(m.entries.size())));
    prev += static_cast<Index>(skip);
    prev_term = skip == 0 ? prev_term : m.entries[skip - 1].term;
    if (prev < log_.snapshot_index()) {
      reply.index = prev;
      send(from, std::move(reply));
      return;
    }
  }
  if (!log_.matches(prev, prev_term)) {
    reply.reject = true;
    reply.index = m.index;
    if (prev > log_.last_index()) {
      reply.hint_index = log_.last_index() + 1;
    } else {
      reply.hint_term = *log_.term_at(prev);
      reply.hint_index = prev > log_.snapshot_index() ? log_.first_of_term_run(prev) : prev;
    }
    send(from, std::move(reply));
    return;
  }
  Index index = prev;
  for (size_t i = skip; i < m.entries.size(); ++i) {
    ++index;
    if (index <= log_.last_index()) {
      if (log_.term_at(index) == m.entries[i].term) continue;
      truncate_log(index);  // a conflict: the leader's log wins
    }
    append_entry(m.entries[i]);
  }
  const Index last_new = prev + static_cast<Index>(m.entries.size() - skip);
  if (m.commit > commit_) set_commit(std::min(m.commit, last_new));
  reply.index = last_new;
  send(from, std::move(reply));
}

void Raft::on_snapshot(int64_t now_ms, const std::string& from, const Message& m) {
  Message reply = follow_leader(now_ms, from, m);
  if (!m.snapshot) return;
  const SnapshotData& snapshot = *m.snapshot;
  if (snapshot.index <= commit_) {
    reply.index = commit_;  // nothing new: we hold it all already
    send(from, std::move(reply));
    return;
  }
  const bool keep_log = log_.matches(snapshot.index, snapshot.term);
  log_.compact_to(snapshot.index, snapshot.term);
  snapshot_data_ = snapshot.data;
  commit_ = snapshot.index;
  handed_out_ = snapshot.index;
  persist_snapshot(snapshot.index, snapshot.term, snapshot.data, /*log_replaced=*/!keep_log);
  output_.install = snapshot;
  reply.index = snapshot.index;
  send(from, std::move(reply));
}

// --- the log and its persistence --------------------------------------------------

void Raft::append_entry(Entry entry) {
  const Index index = log_.last_index() + 1;
  pending_persist().entries.push_back(PersistedEntry{index, entry.term, entry.command});
  log_.append(std::move(entry));
}

void Raft::truncate_log(Index from) {
  EDDY_INVARIANT(from > commit_, "truncating committed entries");
  log_.truncate_from(from);
  PersistEffect& persist = pending_persist();
  std::erase_if(persist.entries, [&](const PersistedEntry& e) { return e.index >= from; });
  persist.truncate_from = persist.truncate_from == 0 ? from : std::min(persist.truncate_from, from);
}

void Raft::persist_snapshot(Index index, Term term, const Value& data, bool log_replaced) {
  PersistEffect& persist = pending_persist();
  persist.snapshot = PersistedSnapshot{index, term, data};
  std::erase_if(persist.entries, [&](const PersistedEntry& e) { return e.index <= index; });
  if (log_replaced) {
    persist.entries.clear();
    persist.truncate_from =
        persist.truncate_from == 0 ? index + 1 : std::min(persist.truncate_from, index + 1);
  }
}

void Raft::compact(Index index, Value data) {
  if (index <= log_.snapshot_index()) return;
  EDDY_INVARIANT(index <= handed_out_, "compacting entries not yet applied");
  const Term term = *log_.term_at(index);
  log_.compact_to(index, term);
  snapshot_data_ = std::move(data);
  persist_snapshot(index, term, snapshot_data_, /*log_replaced=*/false);
}

// --- ReadIndex ----------------------------------------------------------------------

std::optional<uint64_t> Raft::read(int64_t now_ms) {
  now_ms_ = now_ms;
  if (role_ != Role::kLeader) return std::nullopt;
  const uint64_t id = next_read_id_++;
  if (log_.term_at(commit_) != term_) {
    deferred_reads_.push_back(id);  // until the term's no-op commits
  } else {
    register_read(id);
  }
  return id;
}

void Raft::register_read(uint64_t id) {
  // Confirmed by the next round to start (every read until then shares it),
  // not by one already under way: its acknowledgements could predate the
  // read.
  pending_reads_.push_back(PendingRead{id, round_ + 1, commit_});
  advance_reads();
}

void Raft::advance_reads() {
  size_t ready = 0;
  for (; ready < pending_reads_.size(); ++ready) {
    const PendingRead& read = pending_reads_[ready];
    size_t acks = 1;  // the leader's own
    for (const auto& [peer, pr] : progress_) acks += pr.round >= read.round ? 1 : 0;
    if (acks < quorum()) break;  // later reads are in later rounds
    output_.ready_reads.push_back(ReadyRead{read.id, read.read_index});
  }
  pending_reads_.erase(pending_reads_.begin(),
                       pending_reads_.begin() + static_cast<std::ptrdiff_t>(ready));
}

void Raft::fail_reads() {
  for (const uint64_t id : deferred_reads_) output_.failed_reads.push_back(id);
  for (const PendingRead& read : pending_reads_) output_.failed_reads.push_back(read.id);
  deferred_reads_.clear();
  pending_reads_.clear();
}

}  // namespace eddy::core::raft
