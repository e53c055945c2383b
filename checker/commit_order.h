// nonmonotonic-commit: Eddy's check that committed offsets never go
// backwards, as a client of one node sees them. It is not one of Jepsen's
// anomalies (Maelstrom's client never reads committed offsets back), so it
// is reported under its own name, and it makes a run invalid.
//
// The rule, per node: once an ok poll has completed (its client then
// committed, per key with records, the highest offset it polled), or a
// list_committed_offsets has answered offset c for key k, any
// list_committed_offsets invoked later on the same node must answer at
// least that offset for k, and must not omit k. Assigns whose history line
// does not record the answer (`committed`) are not checked.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checker/history.h"
#include "checker/kafka_checker.h"
#include "core/string_hash.h"

namespace eddy::checker::detail {

inline constexpr std::string_view kNonmonotonicCommit = "nonmonotonic-commit";

// The pass, op by op in history order: for a history still being recorded
// (sim/history_feed.h) as for a whole one.
class CommitOrderPass {
 public:
  explicit CommitOrderPass(const CheckOptions& options);
  void add(const Op& op);
  // The anomaly (count 0 when none), with up to examples_max examples.
  Anomaly finish() &&;

 private:
  // The highest committed offset known on a node for a key, and the op that
  // made it known.
  struct Known {
    int64_t offset = 0;
    int64_t op_index = 0;
  };
  using KnownByKey = core::StringMap<Known>;  // looked up, never iterated
  static void raise(KnownByKey& known, std::string_view key, int64_t offset, int64_t op_index);

  // An assign's floors: (key, what it must at least list), sorted by key,
  // one per key. A vector reused by the process's next assign: a history
  // assigns 2 to 20 keys at a time, tens of thousands in a run, and a map
  // node per key was a fifth of this pass's instructions.
  using Floors = std::vector<std::pair<std::string, Known>>;
  // The committed offsets an assign listed, in key order with the first of
  // a repeated key (a history read from a file lists each key once, sorted;
  // the simulator sorts what a node answered).
  static const std::vector<std::pair<std::string, int64_t>>& listed_in_order(
      const std::vector<std::pair<std::string, int64_t>>& committed,
      std::vector<std::pair<std::string, int64_t>>& scratch);
  void check_listed(const Op& op, const Floors& floors,
                    const std::vector<std::pair<std::string, int64_t>>& listed);

  size_t examples_max_;
  Anomaly anomaly_;
  core::StringMap<KnownByKey> known_by_node_;
  // What each process's assign in flight must at least see, fixed when it
  // was invoked.
  std::unordered_map<int64_t, Floors> expected_by_process_;
  std::vector<std::pair<std::string, int64_t>> listed_scratch_;
};

// The whole pass over `history`.
Anomaly find_nonmonotonic_commits(const History& history, const CheckOptions& options);

}  // namespace eddy::checker::detail
