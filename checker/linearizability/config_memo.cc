// ConfigMemo: an open-addressing table of keys (level, state, mask), each
// heading a chain of the used-count rows stored under it; a new row is
// compared with its chain for dominance. Rows are never removed: the search
// is bounded by SearchLimits::states_max instead.
#include "checker/linearizability/config_memo.h"

#include <cassert>
#include <cstring>
#include <map>

#include "checker/linearizability/register_row.h"

namespace eddy::lin::detail {
namespace {

constexpr size_t kInitialTableSize = 1024;

}  // namespace

ConfigMemo::ConfigMemo(int32_t key_words, std::span<const UnknownKind> kinds)
    : key_words_(key_words),
      used_words_(static_cast<int32_t>(kinds.size())),
      table_(kInitialTableSize, -1) {
  // One group per write kind (with the cas kinds it can stand in for), and
  // one group per cas kind that no write can replace.
  std::map<int32_t, std::vector<int32_t>> cas_by_write;
  for (size_t k = 0; k < kinds.size(); ++k) {
    const int32_t kind = static_cast<int32_t>(k);
    if (kinds[k].effect.kind == Effect::Kind::kWrite) {
      cas_by_write[kind];
    } else if (kinds[k].write_of_target >= 0) {
      cas_by_write[kinds[k].write_of_target].push_back(kind);
    } else {
      group_write_.push_back(-1);
      group_begin_.push_back(static_cast<int32_t>(group_cas_.size()));
      group_cas_.push_back(kind);
    }
  }
  for (const auto& [write, cas_kinds] : cas_by_write) {
    group_write_.push_back(write);
    group_begin_.push_back(static_cast<int32_t>(group_cas_.size()));
    group_cas_.insert(group_cas_.end(), cas_kinds.begin(), cas_kinds.end());
  }
  group_begin_.push_back(static_cast<int32_t>(group_cas_.size()));
}

bool ConfigMemo::same_key(const uint32_t* x, const uint32_t* y) const {
  return std::memcmp(x, y, static_cast<size_t>(key_words_) * sizeof(uint32_t)) == 0;
}

// Both rows are at the same level, so they have the same invoked ops; spare =
// invoked - used, and E's spares cover N's iff, per group, the writes E has
// spare beyond N's cover every cas N has spare beyond E's.
bool ConfigMemo::dominates(const uint32_t* stored_used, const uint32_t* new_used) const {
  for (size_t g = 0; g + 1 < group_begin_.size(); ++g) {
    int64_t shortfall = 0;  // N's spare cas ops E lacks
    for (int32_t i = group_begin_[g]; i < group_begin_[g + 1]; ++i) {
      const int32_t k = group_cas_[static_cast<size_t>(i)];
      if (stored_used[k] > new_used[k]) shortfall += stored_used[k] - new_used[k];
    }
    const int32_t write = group_write_[g];
    const int64_t extra_writes =
        write < 0 ? 0 : static_cast<int64_t>(new_used[write]) - stored_used[write];
    if (extra_writes < shortfall) return false;
  }
  return true;
}

int32_t ConfigMemo::insert(const uint32_t* row) {
  if (static_cast<size_t>(keys_ + 1) * 2 > table_.size()) grow();
  const size_t mask = table_.size() - 1;
  size_t slot = hash_words(row, key_words_) & mask;
  while (table_[slot] >= 0 && !same_key(this->row(table_[slot]), row)) slot = (slot + 1) & mask;

  const int32_t head = table_[slot];
  for (int32_t i = head; i >= 0; i = chain_next_[static_cast<size_t>(i)]) {
    if (dominates(this->row(i) + key_words_, row + key_words_)) return -1;
  }
  const int32_t index = static_cast<int32_t>(chain_next_.size());
  assert(index >= 0 && "the memo outgrew int32 rows; lower states_max");
  arena_.insert(arena_.end(), row, row + row_words());
  chain_next_.push_back(head);
  table_[slot] = index;
  if (head < 0) ++keys_;
  return index;
}

void ConfigMemo::grow() {
  std::vector<int32_t> old = std::move(table_);
  table_.assign(old.size() * 2, -1);
  const size_t mask = table_.size() - 1;
  for (const int32_t head : old) {
    if (head < 0) continue;
    size_t slot = hash_words(row(head), key_words_) & mask;
    while (table_[slot] >= 0) slot = (slot + 1) & mask;
    table_[slot] = head;
  }
}

}  // namespace eddy::lin::detail
