// ExactSearch::run: depth-first over levels, and within a level cheapest
// first. The stack holds one frame per level on the current path; a frame
// expands its level's configurations (moves from register_row.h) in 0-1 BFS
// order, a move that spends an unknown op costing 1 and any other 0, and
// descends into the next level as soon as some configuration advances. So
// the first path tried is the greedy one, spending unknown ops only where
// nothing else passes a level, and most linearizable histories need no
// backtracking. A configuration is kept only if the memo stores it (no
// stored one dominates it) and the relaxation, when given, says it can
// still reach the goal. Skipping a configuration stored earlier is safe
// even while a frame below still has it open: that frame expands it when
// the search returns there.
#include "checker/linearizability/exact_search.h"

#include <algorithm>
#include <cassert>
#include <deque>

#include "checker/linearizability/config_memo.h"
#include "checker/linearizability/register_row.h"

namespace eddy::lin::detail {

ExactSearch::ExactSearch(const PreparedRegister& prepared, SearchBudget& budget)
    : prepared_(prepared), budget_(budget), key_words_(key_words_of(prepared)) {}

std::vector<ValueId> ExactSearch::deepest_states() const {
  std::vector<ValueId> states = deepest_states_;
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  return states;
}

ExactSearch::Outcome ExactSearch::run(const Goal& goal, const std::vector<uint32_t>& start,
                                      const RelaxedGraph* relaxed, const std::vector<bool>* live) {
  // One frame per level on the current path: the configurations of that
  // level still to expand (cheapest first) and those of the next level
  // found so far, not yet descended into. All are rows of the memo.
  struct Frame {
    std::deque<int32_t> open;
    std::vector<int32_t> ready;
    size_t ready_at = 0;
  };
  ConfigMemo memo(key_words_, prepared_.kinds);
  const size_t row_words = static_cast<size_t>(memo.row_words());
  std::vector<Frame> stack;
  std::vector<uint32_t> row(row_words, 0U);
  std::vector<uint32_t> parent(row_words, 0U);
  deepest_level_ = -1;
  deepest_states_.clear();
  deepest_row_.clear();

  // Per kind, how many of the first invoked_prefix unknown ops (in
  // invocation order) are of that kind. The search moves a level at a time,
  // so it is updated by the invocations between two levels.
  std::vector<int32_t> invoked(prepared_.kinds.size(), 0);
  int32_t invoked_prefix = 0;
  const auto track_invoked = [&](int32_t level) {
    const int32_t to = prepared_.levels[static_cast<size_t>(level)].unknown_invoked;
    const auto kind_of = [&](int32_t i) {
      return static_cast<size_t>(prepared_.unknown[static_cast<size_t>(i)].kind);
    };
    for (; invoked_prefix < to; ++invoked_prefix) ++invoked[kind_of(invoked_prefix)];
    for (; invoked_prefix > to; --invoked_prefix) --invoked[kind_of(invoked_prefix - 1)];
  };
  const auto spare = [&](int32_t kind) {
    return static_cast<int64_t>(parent[static_cast<size_t>(key_words_ + kind)]) <
           invoked[static_cast<size_t>(kind)];
  };
  const auto at_goal = [&]() {
    return level_of(row.data()) == goal.level &&
           (!goal.state || state_of(row.data()) == *goal.state);
  };
  // Stores `row` unless it is redundant or cannot reach the goal; its index
  // in the memo, or -1.
  const auto store = [&]() -> int32_t {
    if (relaxed != nullptr) {
      const int32_t node = relaxed->find_exact(row.data());
      assert(node >= 0 && "every exact configuration is a relaxed one");
      if (node >= 0 && !(*live)[static_cast<size_t>(node)]) return -1;
    }
    const int32_t index = memo.insert(row.data());
    if (index < 0) return -1;
    const int32_t level = level_of(row.data());
    if (level > deepest_level_) {
      deepest_level_ = level;
      deepest_states_.clear();
      deepest_row_ = row;
    }
    if (level == deepest_level_) deepest_states_.push_back(state_of(row.data()));
    return index;
  };

  if (start.empty()) {
    set_state(row.data(), kNil);
    absorb_identities(prepared_, row.data());
  } else {
    row = start;
  }
  if (!budget_.spend()) return Outcome::kStopped;
  const int32_t root = store();
  if (root < 0) return Outcome::kExhausted;
  if (at_goal()) return Outcome::kReached;
  stack.emplace_back().open.push_back(root);

  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.ready_at < frame.ready.size()) {
      const int32_t next = frame.ready[frame.ready_at++];
      stack.emplace_back().open.push_back(next);
      continue;
    }
    if (frame.open.empty()) {
      stack.pop_back();
      continue;
    }
    // Expand the cheapest open configuration: all its moves at once.
    const int32_t node = frame.open.front();
    frame.open.pop_front();
    const uint32_t* stored = memo.row(node);
    parent.assign(stored, stored + row_words);
    const int32_t level = level_of(parent.data());
    track_invoked(level);
    int32_t cursor = 0;
    Move move;
    while (next_move(prepared_, parent.data(), spare, cursor, move)) {
      // At the goal level only the state is sought: never past it.
      if (move.kind == Move::Kind::kAdvance && level == goal.level) continue;
      if (!budget_.spend()) return Outcome::kStopped;
      row = parent;
      apply_move(prepared_, move, row.data());
      if (move.kind == Move::Kind::kUnknown) ++row[static_cast<size_t>(key_words_ + move.index)];
      const int32_t child = store();
      if (child < 0) continue;
      if (at_goal()) return Outcome::kReached;
      // Spending no unknown op costs nothing: such moves go first, so a
      // level is passed with as few unknown ops as it can be.
      switch (move.kind) {
        case Move::Kind::kAdvance:
          frame.ready.push_back(child);
          break;
        case Move::Kind::kKnown:
          frame.open.push_front(child);
          break;
        case Move::Kind::kUnknown:
          frame.open.push_back(child);
          break;
      }
    }
  }
  return Outcome::kExhausted;
}

}  // namespace eddy::lin::detail
