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

void RaftInvariants::record_committed(const Raft& raft, Index from) {
  const auto& log = raft.log();
  for (Index i = std::max({log.snapshot_index(), from, Index{1}}); i <= raft.commit_index(); ++i) {
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

void RaftInvariants::check_leader_completeness(const Raft& raft) {
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

namespace {

// The log a node would campaign with (and judge candidates by): its running
// Raft's, or else the one on its disk.
struct CampaignLog {
  std::pair<Term, Index> last;  // Raft's election restriction compares these
  bool holds = false;           // it holds the entry in question (or a snapshot covering it)
};

CampaignLog campaign_log(const RaftInvariants::NodeView& node, Index index, Term term) {
  if (node.raft != nullptr) {
    const auto& log = node.raft->log();
    return {{log.last_term(), log.last_index()},
            log.snapshot_index() >= index || log.term_at(index) == term};
  }
  CampaignLog campaign;
  if (node.disk == nullptr) return campaign;
  const core::Persisted& disk = *node.disk;
  // Only committed entries are ever snapshotted.
  if (disk.snapshot) {
    campaign.last = {disk.snapshot->term, disk.snapshot->index};
    campaign.holds = disk.snapshot->index >= index;
  }
  if (!disk.entries.empty()) {
    campaign.last = {disk.entries.back().term, disk.entries.back().index};
    const Index first = disk.entries.front().index;
    if (index >= first && index <= disk.entries.back().index) {
      campaign.holds = disk.entries[static_cast<size_t>(index - first)].term == term;
    }
  }
  return campaign;
}

}  // namespace

void RaftInvariants::check_latest_commit_survives(const std::vector<NodeView>& nodes) {
  if (committed_.empty()) return;
  const auto& [index, committed] = *committed_.rbegin();
  std::vector<CampaignLog> logs;
  for (const NodeView& node : nodes) {
    logs.push_back(campaign_log(node, index, committed.entry_term));
  }
  const size_t majority = nodes.size() / 2 + 1;
  for (size_t lacking = 0; lacking < nodes.size(); ++lacking) {
    if (logs[lacking].holds) continue;
    // Raft's election restriction: a voter refuses a candidate whose (last
    // term, last index) is below its own.
    size_t would_vote = 0;
    for (const CampaignLog& voter : logs) {
      if (!(voter.last > logs[lacking].last)) ++would_vote;
    }
    if (would_vote >= majority) {
      fail("committed entry at risk: " + std::string(nodes[lacking].name) +
           " lacks the entry committed at " + std::to_string(index) + " (term " +
           std::to_string(committed.entry_term) + ") yet its log" +
           (nodes[lacking].raft == nullptr ? " on disk" : "") + " is as up-to-date as " +
           std::to_string(would_vote) + " nodes', a majority that would elect it");
    }
  }
}

bool RaftInvariants::observe(const std::vector<NodeView>& nodes, Depth depth) {
  ++checks_;
  last_commit_.resize(nodes.size(), 0);
  incarnations_.resize(nodes.size(), -1);
  for (size_t n = 0; n < nodes.size(); ++n) {
    const Raft* raft = nodes[n].raft;
    if (raft == nullptr) continue;
    // Only what was committed since the last look is new (a restarted
    // node's commit index starts again: all of its is looked at).
    Index from = depth == Depth::kFull ? 0 : last_commit_[n] + 1;
    if (incarnations_[n] != nodes[n].incarnation) {
      incarnations_[n] = nodes[n].incarnation;
      last_commit_[n] = raft->commit_index();
      from = 0;
    }
    if (!(raft->commit_index() >= last_commit_[n])) {
      fail("the commit index of " + raft->self() + " went back");
    }
    last_commit_[n] = raft->commit_index();
    record_committed(*raft, from);
  }
  check_latest_commit_survives(nodes);
  for (const NodeView& node : nodes) {
    if (node.raft == nullptr || node.raft->role() != Role::kLeader) continue;
    const auto [it, fresh] = leaders_.emplace(node.raft->term(), node.raft->self());
    if (!(fresh || it->second == node.raft->self())) {
      fail("election safety: " + it->second + " and " + node.raft->self() + " both led term " +
           std::to_string(node.raft->term()));
    }
    if (depth == Depth::kFull) check_leader_completeness(*node.raft);
  }
  if (depth == Depth::kFull) {
    for (size_t a = 0; a < nodes.size(); ++a) {
      for (size_t b = a + 1; b < nodes.size(); ++b) {
        if (nodes[a].raft != nullptr && nodes[b].raft != nullptr) {
          check_log_matching(*nodes[a].raft, *nodes[b].raft);
        }
      }
    }
  }
  return violation_.empty();
}

}  // namespace eddy::sim
