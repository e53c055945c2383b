// RaftLog: one node's Raft log in memory. Entries (snapshot_index,
// last_index] are held; everything up to snapshot_index has been compacted
// into a snapshot whose last entry had snapshot_term. Indexes start at 1;
// index 0 with term 0 is the empty prefix every log shares.
//
// The log knows nothing of persistence or of the protocol: Raft
// (core/raft/raft.h) decides what to append, truncate and compact, and
// mirrors each change into a PersistEffect.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "core/value.h"

namespace eddy::core::raft {

using Term = int64_t;
using Index = int64_t;

struct Entry {
  Term term = 0;
  Value command;  // opaque to Raft: the state machine's encoding
  friend bool operator==(const Entry&, const Entry&) = default;
};

class RaftLog {
 public:
  Index last_index() const { return snapshot_index_ + static_cast<Index>(entries_.size()); }
  Term last_term() const { return entries_.empty() ? snapshot_term_ : entries_.back().term; }
  Index snapshot_index() const { return snapshot_index_; }
  Term snapshot_term() const { return snapshot_term_; }
  // The first index still held as an entry.
  Index first_index() const { return snapshot_index_ + 1; }

  // The term of the entry at `index`: known for snapshot_index..last_index,
  // nullopt otherwise (compacted away, or beyond the end).
  std::optional<Term> term_at(Index index) const;
  // True if the log holds an entry at `index` with `term` (index 0 term 0 and
  // the snapshot's last entry count).
  bool matches(Index index, Term term) const { return term_at(index) == term; }
  // Pre: first_index() <= index <= last_index().
  const Entry& at(Index index) const;

  // Up to `count` entries from `from` (pre: first_index() <= from).
  std::vector<Entry> slice(Index from, size_t count) const;

  void append(Entry entry) { entries_.push_back(std::move(entry)); }
  // Drops every entry from `index` on (pre: index > snapshot_index).
  void truncate_from(Index index);
  // The prefix through `index` (whose entry had `term`) is now a snapshot.
  // Entries after it are kept when the log holds `index` with `term`;
  // otherwise the whole log is replaced (a follower installing a leader's
  // snapshot).
  void compact_to(Index index, Term term);

  // For a follower's conflict hint (the Raft thesis, 5.3): the first index
  // of the run of entries that share the term of the entry at `index`
  // (pre: first_index() <= index <= last_index()), not before first_index().
  Index first_of_term_run(Index index) const;
  // The last index whose entry has `term`, or nullopt: where a leader resumes
  // for a follower whose conflicting entry had that term.
  std::optional<Index> last_index_of_term(Term term) const;

 private:
  Index snapshot_index_ = 0;
  Term snapshot_term_ = 0;
  std::deque<Entry> entries_;
};

}  // namespace eddy::core::raft
