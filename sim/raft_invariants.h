// RaftInvariants: Raft's safety properties, checked across the simulated
// cluster (the Raft paper's figure 3), which no single node can check:
//  - election safety: at most one leader per term, over the whole run;
//  - state machine safety: an index committed anywhere holds one entry (the
//    same term) everywhere it is committed, for the whole run;
//  - leader completeness: a leader's log holds every entry committed so far;
//  - log matching: two logs that hold an entry with the same index and term
//    agree on every entry before it (checked over the entries both hold);
//  - a node's commit index never goes back while it lives (it is volatile:
//    a restarted node learns it again).
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
  // Keeps the first violation.
  void fail(const std::string& what);

  std::map<core::raft::Term, std::string> leaders_;          // term -> its leader
  std::map<core::raft::Index, core::raft::Term> committed_;  // index -> the term committed there
  std::vector<core::raft::Index> last_commit_;               // per node, this incarnation
  std::vector<int64_t> incarnations_;
  int64_t checks_ = 0;
  std::string violation_;
};

}  // namespace eddy::sim
