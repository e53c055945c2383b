#include "core/raft/log.h"

#include <algorithm>

#include "core/invariant.h"

namespace eddy::core::raft {

std::optional<Term> RaftLog::term_at(Index index) const {
  if (index == snapshot_index_) return snapshot_term_;
  if (index < snapshot_index_ || index > last_index()) return std::nullopt;
  return entries_[static_cast<size_t>(index - first_index())].term;
}

const Entry& RaftLog::at(Index index) const {
  EDDY_INVARIANT(index >= first_index() && index <= last_index(), "log index out of range");
  return entries_[static_cast<size_t>(index - first_index())];
}

std::vector<Entry> RaftLog::slice(Index from, size_t count) const {
  EDDY_INVARIANT(from >= first_index(), "slice of a compacted prefix");
  std::vector<Entry> out;
  for (Index i = from; i <= last_index() && out.size() < count; ++i) out.push_back(at(i));
  return out;
}

void RaftLog::truncate_from(Index index) {
  EDDY_INVARIANT(index > snapshot_index_, "truncating into the snapshot");
  if (index > last_index()) return;
  entries_.resize(static_cast<size_t>(index - first_index()));
}

void RaftLog::compact_to(Index index, Term term) {
  if (index <= snapshot_index_) return;
  if (matches(index, term)) {
    const auto drop = static_cast<size_t>(index - snapshot_index_);
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
  } else {
    entries_.clear();
  }
  snapshot_index_ = index;
  snapshot_term_ = term;
}

Index RaftLog::first_of_term_run(Index index) const {
  const Term term = at(index).term;
  while (index > first_index() && at(index - 1).term == term) --index;
  return index;
}

std::optional<Index> RaftLog::last_index_of_term(Term term) const {
  for (Index i = last_index(); i >= first_index(); --i) {
    const Term t = at(i).term;
    if (t == term) return i;
    if (t < term) break;  // terms only grow along a log
  }
  if (snapshot_term_ == term) return snapshot_index_;
  return std::nullopt;
}

}  // namespace eddy::core::raft
