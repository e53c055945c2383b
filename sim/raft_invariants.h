// RaftInvariants: Raft's safety properties, checked across the simulated
// cluster (the Raft paper's figure 3), which no single node can check:
//  - election safety: at most one leader per term, over the whole run;
//  - state machine safety: an index committed anywhere holds one entry (the
//    same term) everywhere it is committed, for the whole run;
//  - leader completeness: a leader's log holds every entry committed in an
//    earlier term (the term a commit is seen in: the least term of a node
//    whose commit index covered it, which is at least the committing
//    leader's, so the check never blames a leader wrongly);
//  - log matching: two logs that hold an entry with the same index and term
//    agree on every entry before it (checked over the entries both hold);
//  - a node's commit index never goes back while it lives (it is volatile:
//    a restarted node learns it again);
//  - committed entries are safe from the next election: no node that lacks
//    the latest committed entry has a log at least as up-to-date as a
//    majority's (so it could never win their votes). Every node counts, with
//    the log it would campaign with: a running node's, or what a down node
//    (or one whose memory is ahead of a write in progress) made durable and
//    would restart with. In a correct Raft the entry's holders at commit
//    time are a majority whose durable logs all beat such a node's (they
//    hold an entry of the committing leader's term at or after it), and
//    stay so; a leader that commits an earlier term's entry by counting (the
//    paper's figure 8) breaks this the moment it commits, before any later
//    leader has to overwrite the entry to show it.
// The cheap properties (election safety, commit index, newly committed
// entries, the latest commit's safety) are watched after every simulator
// event, since a window such as figure 8's may last a few events only; the
// ones that walk whole logs (log matching, leader completeness, every
// committed entry again) run every --check-every events and at the end.
// The first violation is kept, and the simulator ends the run with it (a
// found bug, with its replay command, not a crash of the simulator).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/persist.h"
#include "core/raft/raft.h"

namespace eddy::sim {

class RaftInvariants {
 public:
  struct NodeView {
    std::string_view name;  // the host's, which outlives the view
    // Its running Raft, when it has one whose memory is not ahead of a write
    // in progress; else null.
    const core::raft::Raft* raft = nullptr;
    // What it made durable (it restarts from this).
    const core::Persisted* disk = nullptr;
    int64_t incarnation = 0;  // changes when it restarts
  };
  enum class Depth : uint8_t { kWatch, kFull };

  // Returns false once a property is broken; violation() says which.
  bool observe(const std::vector<NodeView>& nodes, Depth depth);

  const std::string& violation() const { return violation_; }
  int64_t checks() const { return checks_; }

 private:
  // Records a node's committed entries from index `from` (0: every one it
  // holds) through its commit index.
  void record_committed(const core::raft::Raft& raft, core::raft::Index from);
  void check_leader_completeness(const core::raft::Raft& raft);
  void check_log_matching(const core::raft::Raft& a, const core::raft::Raft& b);
  void check_latest_commit_survives(const std::vector<NodeView>& nodes);
  // Keeps the first violation.
  void fail(const std::string& what);

  std::map<core::raft::Term, std::string> leaders_;  // term -> its leader
  struct Committed {
    core::raft::Term entry_term = 0;   // the entry's own term
    core::raft::Term commit_term = 0;  // the least term it was seen committed in
  };
  std::map<core::raft::Index, Committed> committed_;
  std::vector<core::raft::Index> last_commit_;  // per node, this incarnation
  std::vector<int64_t> incarnations_;
  int64_t checks_ = 0;
  std::string violation_;
};

}  // namespace eddy::sim
