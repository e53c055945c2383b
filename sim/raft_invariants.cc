#include "sim/raft_invariants.h"

#include <algorithm>

namespace eddy::sim {

using core::raft::Index;
using core::raft::Raft;
using core::raft::Role;
using core::raft::Term;

void RaftInvariants::fail(const std::string& what) {
  if (violation_.empty()) violation_ = what;
}

void RaftInvariants::record_committed(const Raft& raft) {
  const auto& log = raft.log();
  for (Index i = std::max<Index>(log.snapshot_index(), 1); i <= raft.commit_index(); ++i) {
    const std::optional<Term> term = log.term_at(i);
    if (!term) continue;
    const auto [it, fresh] = committed_.emplace(i, Committed{*term, raft.term()});
    if (!(fresh || it->second.entry_term == *term)) {
      fail("state machine safety: index " + std::to_string(i) + " committed with term " +
           std::to_string(it->second.entry_term) + " and, on " + raft.self() + ", with term " +
           std::to_string(*term));
    }
    it->second.commit_term = std::min(it->second.commit_term, raft.term());
  }
}

void RaftInvariants::check_leader(const Raft& raft) {
  const auto [it, fresh] = leaders_.emplace(raft.term(), raft.self());
  if (!(fresh || it->second == raft.self())) {
    fail("election safety: " + it->second + " and " + raft.self() + " both led term " +
         std::to_string(raft.term()));
  }
  const auto& log = raft.log();
  for (auto c = committed_.lower_bound(log.snapshot_index()); c != committed_.end(); ++c) {
    if (c->second.commit_term >= raft.term()) continue;  // not yet binding on this leader
    if (!(log.term_at(c->first) == c->second.entry_term)) {
      fail("leader completeness: leader " + raft.self() + " of term " +
           std::to_string(raft.term()) + " lacks the entry committed at " +
           std::to_string(c->first));
    }
  }
}

void RaftInvariants::check_log_matching(const Raft& a, const Raft& b) {
  const Index low = std::max(a.log().snapshot_index(), b.log().snapshot_index());
  Index i = std::min(a.log().last_index(), b.log().last_index());
  while (i > low && a.log().term_at(i) != b.log().term_at(i)) --i;
  for (; i > low; --i) {
    if (!(a.log().term_at(i) == b.log().term_at(i))) {
      fail("log matching: " + a.self() + " and " + b.self() + " share an entry but differ at " +
           std::to_string(i));
    }
  }
}

void RaftInvariants::check_latest_commit_survives(const std::vector<const Raft*>& nodes) {
  if (committed_.empty()) return;
  const auto& [index, committed] = *committed_.rbegin();
  // Raft's election restriction: a voter refuses a candidate whose (last
  // term, last index) is below its own.
  const auto last = [](const Raft& raft) {
    return std::pair{raft.log().last_term(), raft.log().last_index()};
  };
  const size_t majority = nodes.size() / 2 + 1;
  for (const Raft* lacking : nodes) {
    if (lacking == nullptr || lacking->log().snapshot_index() >= index ||
        lacking->log().term_at(index) == committed.entry_term) {
      continue;
    }
    // Down nodes are left out of the count: it can only be smaller.
    size_t would_vote = 0;
    for (const Raft* voter : nodes) {
      if (voter != nullptr && !(last(*voter) > last(*lacking))) ++would_vote;
    }
    if (would_vote >= majority) {
      fail("committed entry at risk: " + lacking->self() + " lacks the entry committed at " +
           std::to_string(index) + " (term " + std::to_string(committed.entry_term) +
           ") yet its log is as up-to-date as " + std::to_string(would_vote) +
           " nodes', a majority that would elect it");
    }
  }
}

bool RaftInvariants::observe(const std::vector<const Raft*>& nodes,
                             const std::vector<int64_t>& incarnations) {
  ++checks_;
  last_commit_.resize(nodes.size(), 0);
  incarnations_.resize(nodes.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    const Raft* raft = nodes[n];
    if (raft == nullptr) continue;
    if (incarnations_[n] != incarnations[n]) {
      incarnations_[n] = incarnations[n];
      last_commit_[n] = raft->commit_index();
    }
    if (!(raft->commit_index() >= last_commit_[n])) {
      fail("the commit index of " + raft->self() + " went back");
    }
    last_commit_[n] = raft->commit_index();
    record_committed(*raft);
  }
  check_latest_commit_survives(nodes);
  for (const Raft* raft : nodes) {
    if (raft != nullptr && raft->role() == Role::kLeader) check_leader(*raft);
  }
  for (size_t a = 0; a < nodes.size(); ++a) {
    for (size_t b = a + 1; b < nodes.size(); ++b) {
      if (nodes[a] != nullptr && nodes[b] != nullptr) check_log_matching(*nodes[a], *nodes[b]);
    }
  }
  return violation_.empty();
}

}  // namespace eddy::sim
