// The relaxation of the search (internal to the library): the same moves as
// the exact search, but an unknown op, once invoked, may take effect any
// number of times. Configurations shrink to (level, state, mask), so the
// whole graph of them is small enough to build forward, level by level; and
// since the exact configurations are a subset of it, it answers two
// questions cheaply and soundly:
//   - if it has no way past a completion, neither has the exact search: the
//     history is not linearizable, and its first failing completion is at or
//     before that one (failed_level);
//   - if from some configuration it cannot reach a goal, no exact
//     configuration with the same (level, state, mask) can (live_toward):
//     the exact search prunes those.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "checker/linearizability/prepared_register.h"
#include "checker/linearizability/search_budget.h"

namespace eddy::lin::detail {

// A level to reach, optionally with the register holding `state` there.
struct Goal {
  int32_t level = 0;
  std::optional<ValueId> state;
};

class RelaxedGraph {
 public:
  // Builds the graph from the initial configuration up to the end of the
  // history, the first level it cannot get past, or `last_level` (if not
  // negative; nothing advances past it). The kinds in `counted` (sorted) are
  // not relaxed: nodes count how many of them they used, as the exact search
  // does, which makes a tighter relaxation. False if the budget ran out.
  bool build(const PreparedRegister& prepared, SearchBudget& budget,
             std::vector<int32_t> counted = {}, int32_t last_level = -1);

  // The first level with no configuration able to advance, or -1.
  int32_t failed_level() const { return failed_level_; }
  // Every state of the configurations at `level`, sorted.
  std::vector<ValueId> states_at(int32_t level) const;

  // Per node, whether it can reach `goal` (with no advance past goal.level).
  std::vector<bool> live_toward(const Goal& goal) const;
  // The node of an exact search's row (level, state, mask, and the used
  // counts of the counted kinds), or -1.
  int32_t find_exact(const uint32_t* exact_row) const;

 private:
  int32_t find(const uint32_t* row) const;
  int32_t insert(const uint32_t* row, bool& created);
  void grow_table();
  const uint32_t* key(int32_t node) const {
    return &keys_[static_cast<size_t>(node) * static_cast<size_t>(row_words_)];
  }

  const PreparedRegister* prepared_ = nullptr;
  int32_t key_words_ = 0;  // level, state, mask
  int32_t row_words_ = 0;  // and one count per counted kind
  std::vector<int32_t> counted_;
  mutable std::vector<uint32_t> scratch_;  // find_exact's projection
  int32_t failed_level_ = -1;
  std::vector<uint32_t> keys_;                  // node rows (row_words_ each), back to back
  std::vector<int32_t> table_;                  // open addressing over keys_
  std::vector<std::vector<int32_t>> by_level_;  // nodes of each level
  std::vector<int32_t> edge_begin_;             // per node, into edges_
  std::vector<int32_t> edge_end_;
  std::vector<int32_t> edges_;       // within-level successors
  std::vector<int32_t> advance_to_;  // per node: node at level + 1, or -1
};

}  // namespace eddy::lin::detail
