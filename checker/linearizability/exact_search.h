// The exact search (internal to the library): depth-first over
// configurations (register_row.h) that count the unknown ops they used, with
// Lowe's memoisation widened to dominance (config_memo.h). Each run is one
// question: can a configuration at goal.level (holding goal.state, if set)
// be reached from `start`? A run that answers "no" has visited every
// configuration reachable before the goal that the memo did not prove
// redundant, so the deepest level it reached is the first completion
// nothing could get past, and deepest_states() every value held there.
// Optionally, a relaxed graph prunes configurations that even the
// relaxation cannot take to the goal; then "no" stays exact but the deepest
// level no longer is.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/linearizability/prepared_register.h"
#include "checker/linearizability/relaxed_graph.h"
#include "checker/linearizability/search_budget.h"

namespace eddy::lin::detail {

class ExactSearch {
 public:
  enum class Outcome : uint8_t { kReached, kExhausted, kStopped };

  ExactSearch(const PreparedRegister& prepared, SearchBudget& budget);

  // Searches from `start` (a full row; empty: the initial configuration)
  // toward `goal`. With `relaxed` and `live` (relaxed.live_toward(goal)),
  // rows whose relaxed node is not live are pruned.
  Outcome run(const Goal& goal, const std::vector<uint32_t>& start = {},
              const RelaxedGraph* relaxed = nullptr, const std::vector<bool>* live = nullptr);

  // Over the last run: the deepest level a visited row reached, the states
  // of the rows visited there (sorted, unique), and the first such row.
  int32_t deepest_level() const { return deepest_level_; }
  std::vector<ValueId> deepest_states() const;
  const std::vector<uint32_t>& deepest_row() const { return deepest_row_; }

 private:
  const PreparedRegister& prepared_;
  SearchBudget& budget_;
  int32_t key_words_;
  int32_t deepest_level_ = -1;
  std::vector<ValueId> deepest_states_;
  std::vector<uint32_t> deepest_row_;
};

}  // namespace eddy::lin::detail
