// RelaxedGraph: a breadth-first build, one level at a time: every node of a
// level is expanded with the shared moves (register_row.h), within-level
// targets join the level, advance targets seed the next one. Nodes live in
// one open-addressing table keyed by their row (the level is in the row), in
// creation order, which is deterministic. Liveness is a backward pass from
// the goal level down, over reversed within-level edges.
#include "checker/linearizability/relaxed_graph.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "checker/linearizability/register_row.h"

namespace eddy::lin::detail {
namespace {

constexpr size_t kInitialTableSize = 1024;

}  // namespace

int32_t RelaxedGraph::find_exact(const uint32_t* exact_row) const {
  std::copy(exact_row, exact_row + key_words_, scratch_.begin());
  for (size_t i = 0; i < counted_.size(); ++i)
    scratch_[static_cast<size_t>(key_words_) + i] = exact_row[key_words_ + counted_[i]];
  return find(scratch_.data());
}

int32_t RelaxedGraph::find(const uint32_t* row) const {
  const size_t mask = table_.size() - 1;
  size_t slot = hash_words(row, row_words_) & mask;
  const size_t bytes = static_cast<size_t>(row_words_) * sizeof(uint32_t);
  while (table_[slot] >= 0) {
    if (std::memcmp(key(table_[slot]), row, bytes) == 0) return table_[slot];
    slot = (slot + 1) & mask;
  }
  return -1;
}

int32_t RelaxedGraph::insert(const uint32_t* row, bool& created) {
  created = false;
  const int32_t existing = find(row);
  if (existing >= 0) return existing;
  const int32_t node = static_cast<int32_t>(advance_to_.size());
  keys_.insert(keys_.end(), row, row + row_words_);
  edge_begin_.push_back(0);
  edge_end_.push_back(0);
  advance_to_.push_back(-1);
  if (advance_to_.size() * 2 > table_.size()) grow_table();
  const size_t mask = table_.size() - 1;
  size_t slot = hash_words(row, row_words_) & mask;
  while (table_[slot] >= 0) slot = (slot + 1) & mask;
  table_[slot] = node;
  created = true;
  return node;
}

void RelaxedGraph::grow_table() {
  table_.assign(table_.size() * 2, -1);
  const size_t mask = table_.size() - 1;
  for (int32_t node = 0; node < static_cast<int32_t>(advance_to_.size()); ++node) {
    size_t slot = hash_words(key(node), row_words_) & mask;
    while (table_[slot] >= 0) slot = (slot + 1) & mask;
    table_[slot] = node;
  }
}

bool RelaxedGraph::build(const PreparedRegister& prepared, SearchBudget& budget,
                         std::vector<int32_t> counted, int32_t last_level) {
  prepared_ = &prepared;
  key_words_ = key_words_of(prepared);
  counted_ = std::move(counted);
  row_words_ = key_words_ + static_cast<int32_t>(counted_.size());
  scratch_.assign(static_cast<size_t>(row_words_), 0U);
  // Where each kind's count sits in a row, or -1 if it is relaxed.
  std::vector<int32_t> count_word(prepared.kinds.size(), -1);
  for (size_t i = 0; i < counted_.size(); ++i)
    count_word[static_cast<size_t>(counted_[i])] = key_words_ + static_cast<int32_t>(i);
  table_.assign(kInitialTableSize, -1);
  const int32_t levels = static_cast<int32_t>(prepared.levels.size());
  const int32_t stop = last_level < 0 ? levels : std::min(levels, last_level + 1);
  by_level_.assign(static_cast<size_t>(levels) + 1, {});

  std::vector<uint32_t> row(static_cast<size_t>(row_words_), 0U);
  set_state(row.data(), kNil);
  absorb_identities(prepared, row.data());
  if (!budget.spend()) return false;
  bool created = false;
  by_level_[0].push_back(insert(row.data(), created));

  // Unknown ops invoked so far, per kind: any one of them is a spare, for
  // ever, in the relaxation (for counted kinds: one not yet used).
  std::vector<int32_t> invoked(prepared.kinds.size(), 0);
  int32_t invoked_prefix = 0;
  const auto spare = [&](int32_t kind) {
    const int32_t word = count_word[static_cast<size_t>(kind)];
    const int32_t used = word < 0 ? 0 : static_cast<int32_t>(row[static_cast<size_t>(word)]);
    return used < invoked[static_cast<size_t>(kind)];
  };

  for (int32_t level = 0; level < stop; ++level) {
    for (; invoked_prefix < prepared.levels[static_cast<size_t>(level)].unknown_invoked;
         ++invoked_prefix) {
      ++invoked[static_cast<size_t>(prepared.unknown[static_cast<size_t>(invoked_prefix)].kind)];
    }
    // by_level_[level] grows while it is walked: it is its own queue.
    for (size_t i = 0; i < by_level_[static_cast<size_t>(level)].size(); ++i) {
      const int32_t node = by_level_[static_cast<size_t>(level)][i];
      edge_begin_[static_cast<size_t>(node)] = static_cast<int32_t>(edges_.size());
      int32_t cursor = 0;
      Move move;
      while (true) {
        std::copy(key(node), key(node) + row_words_, row.begin());
        if (!next_move(prepared, row.data(), spare, cursor, move)) break;
        if (move.kind == Move::Kind::kAdvance && level == last_level) continue;
        apply_move(prepared, move, row.data());
        if (move.kind == Move::Kind::kUnknown && count_word[static_cast<size_t>(move.index)] >= 0)
          ++row[static_cast<size_t>(count_word[static_cast<size_t>(move.index)])];
        const int32_t target = insert(row.data(), created);
        if (created && !budget.spend()) return false;
        if (created) by_level_[static_cast<size_t>(level_of(row.data()))].push_back(target);
        if (move.kind == Move::Kind::kAdvance) {
          advance_to_[static_cast<size_t>(node)] = target;
        } else {
          edges_.push_back(target);
        }
      }
      edge_end_[static_cast<size_t>(node)] = static_cast<int32_t>(edges_.size());
    }
    if (level + 1 < stop && by_level_[static_cast<size_t>(level) + 1].empty()) {
      failed_level_ = level;
      return true;
    }
  }
  if (stop == levels && by_level_[static_cast<size_t>(levels)].empty() && levels > 0)
    failed_level_ = levels - 1;
  return true;
}

std::vector<ValueId> RelaxedGraph::states_at(int32_t level) const {
  std::vector<ValueId> states;
  for (const int32_t node : by_level_[static_cast<size_t>(level)])
    states.push_back(state_of(key(node)));
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  return states;
}

std::vector<bool> RelaxedGraph::live_toward(const Goal& goal) const {
  std::vector<bool> live(advance_to_.size(), false);
  std::vector<int32_t> local(advance_to_.size(), -1);
  for (int32_t level = goal.level; level >= 0; --level) {
    const std::vector<int32_t>& nodes = by_level_[static_cast<size_t>(level)];
    for (size_t i = 0; i < nodes.size(); ++i)
      local[static_cast<size_t>(nodes[i])] = static_cast<int32_t>(i);
    // Reversed within-level edges, as lists per local index.
    std::vector<int32_t> reverse_begin(nodes.size() + 1, 0);
    for (const int32_t node : nodes) {
      for (int32_t e = edge_begin_[static_cast<size_t>(node)];
           e < edge_end_[static_cast<size_t>(node)]; ++e)
        ++reverse_begin[static_cast<size_t>(
                            local[static_cast<size_t>(edges_[static_cast<size_t>(e)])]) +
                        1];
    }
    for (size_t i = 1; i < reverse_begin.size(); ++i) reverse_begin[i] += reverse_begin[i - 1];
    std::vector<int32_t> reverse(static_cast<size_t>(reverse_begin.back()));
    std::vector<int32_t> fill(reverse_begin.begin(), reverse_begin.end() - 1);
    for (const int32_t node : nodes) {
      for (int32_t e = edge_begin_[static_cast<size_t>(node)];
           e < edge_end_[static_cast<size_t>(node)]; ++e) {
        const int32_t to = local[static_cast<size_t>(edges_[static_cast<size_t>(e)])];
        reverse[static_cast<size_t>(fill[static_cast<size_t>(to)]++)] = node;
      }
    }
    std::vector<int32_t> work;
    for (const int32_t node : nodes) {
      const bool seed = level == goal.level
                            ? (!goal.state || state_of(key(node)) == *goal.state)
                            : advance_to_[static_cast<size_t>(node)] >= 0 &&
                                  live[static_cast<size_t>(advance_to_[static_cast<size_t>(node)])];
      if (seed) {
        live[static_cast<size_t>(node)] = true;
        work.push_back(node);
      }
    }
    while (!work.empty()) {
      const int32_t node = work.back();
      work.pop_back();
      const int32_t at = local[static_cast<size_t>(node)];
      for (int32_t r = reverse_begin[static_cast<size_t>(at)];
           r < reverse_begin[static_cast<size_t>(at) + 1]; ++r) {
        const int32_t from = reverse[static_cast<size_t>(r)];
        if (live[static_cast<size_t>(from)]) continue;
        live[static_cast<size_t>(from)] = true;
        work.push_back(from);
      }
    }
  }
  return live;
}

}  // namespace eddy::lin::detail
