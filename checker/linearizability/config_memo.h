// The search's memory of configurations it has seen (internal to the
// library), with dominance: Lowe's memoisation of (linearized set, state),
// widened so that a configuration is skipped when a stored one is at least as
// able to finish the history.
//
// A configuration is a fixed-width row of uint32 words: a key (level, state,
// mask of linearized pending ops) and, per unknown-op kind, how many of that
// kind it has used. Stored configuration E dominates new configuration N when
// their keys are equal and E's spare unknown ops can stand in for N's, one
// for one: a spare cas(x, v) for a spare cas(x, v), a spare write(v) for a
// spare write(v) or any spare cas(x, v) (from any state it leads where the
// cas would). Dominance is a simulation: whatever N can do next, E can too,
// so a search that skips N loses nothing (README.md).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "checker/linearizability/prepared_register.h"

namespace eddy::lin::detail {

class ConfigMemo {
 public:
  ConfigMemo(int32_t key_words, std::span<const UnknownKind> kinds);

  int32_t row_words() const { return key_words_ + used_words_; }

  // Stores `row` (row_words() words) unless a stored row dominates it.
  // Returns the stored row's index, or -1 when it was dominated.
  int32_t insert(const uint32_t* row);

  const uint32_t* row(int32_t index) const {
    return &arena_[static_cast<size_t>(index) * static_cast<size_t>(row_words())];
  }
  int64_t size() const { return static_cast<int64_t>(chain_next_.size()); }

 private:
  bool same_key(const uint32_t* x, const uint32_t* y) const;
  bool dominates(const uint32_t* stored_used, const uint32_t* new_used) const;
  void grow();

  int32_t key_words_;
  int32_t used_words_;
  // Kinds grouped for the dominance test: each group is a write kind (or -1)
  // followed by the cas kinds whose `to` is that write's value.
  std::vector<int32_t> group_write_;
  std::vector<int32_t> group_begin_;  // into group_cas_; one more than groups
  std::vector<int32_t> group_cas_;

  std::vector<uint32_t> arena_;      // rows, back to back
  std::vector<int32_t> chain_next_;  // next row with the same key, or -1
  std::vector<int32_t> table_;       // open addressing: first row of a key, or -1
  int64_t keys_ = 0;
};

}  // namespace eddy::lin::detail
