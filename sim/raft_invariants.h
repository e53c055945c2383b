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
//    majority's (so it could never win their votes). In a correct Raft the
//    entry's holders at commit time are a majority whose logs all beat such
//    a node's (they hold an entry of the committing leader's term at or
//    after it), and stay so; a leader that commits an earlier term's entry
//    by counting (the paper's figure 8) breaks this the moment it commits,
//    before any later leader has to overwrite the entry to show it.
// The simulator calls observe() with every node's Raft now and then; the
// first violation is kept, and the simulator ends the run with it (a found
// bug, with its replay command, not a crash of the simulator).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/raft/raft.h"

namespace eddy::sim {

class RaftInvariants {
 public:
  // `nodes[i]` is node i's Raft, or null (not a Raft strategy, or down).
  // `incarnations[i]` changes when node i restarts.
  // Returns false once a property is broken; violation() says which.
  bool observe(const std::vector<const core::raft::Raft*>& nodes,
               const std::vector<int64_t>& incarnations);

  const std::string& violation() const { return violation_; }
  int64_t checks() const { return checks_; }

 private:
  void record_committed(const core::raft::Raft& raft);
  void check_leader(const core::raft::Raft& raft);
  void check_log_matching(const core::raft::Raft& a, const core::raft::Raft& b);
  void check_latest_commit_survives(const std::vector<const core::raft::Raft*>& nodes);
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
