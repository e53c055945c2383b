// CachedLog: one node's copy of a prefix of one log kept in lin-kv chunks.
//
// Contract:
//  - it holds offsets 0 .. size()-1, densely, and each entry is the one the
//    log in lin-kv holds at that offset: every merged chunk value was the
//    whole value of that chunk at some instant, and chunks only grow at their
//    end, so any two such values agree where both have entries;
//  - it only grows (append-only), so a poll served from it never goes back.
//  - check_invariants(): no two entries share a writer tag (a tag is written
//    by exactly one append, so a repeat would be a duplicated message).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/kafka/linkv_codec.h"
#include "core/message.h"

namespace eddy::core::kafka::linkv {

enum class MergeOutcome {
  kExtended,       // the chunk value had entries past size(): appended
  kUnchanged,      // nothing new (an older or equal value of the chunk)
  kNotContiguous,  // the chunk starts past size(): kept out to stay dense
  kConflict,       // disagrees with the cache: lin-kv is not linearizable or
                   // someone else writes our keys; ignored
};

class CachedLog {
 public:
  explicit CachedLog(int64_t chunk_entries) : chunk_entries_(chunk_entries) {}

  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  int64_t chunk_entries() const { return chunk_entries_; }
  // The chunk an append goes to next, and how many entries it holds in the
  // cache (0 when the cache ends at a chunk boundary).
  int64_t tail_chunk() const { return size() / chunk_entries_; }
  int64_t tail_length() const { return size() % chunk_entries_; }

  // The cached entries of chunk `chunk` (empty past the cache).
  std::span<const ChunkEntry> chunk(int64_t chunk) const;
  const ChunkEntry& at(int64_t offset) const { return entries_.at(static_cast<size_t>(offset)); }

  // Merges `value`, the whole value of chunk `chunk` at some instant
  // (pre: at most chunk_entries() entries).
  MergeOutcome merge(int64_t chunk, std::span<const ChunkEntry> value);

  // Appends to `out` the entries from offset `from`, at most `count_max`;
  // returns how many.
  size_t read(int64_t from, size_t count_max, std::vector<Record>& out) const;

  // The offset of `tag` within [from, to) (clamped to the cache), or -1.
  int64_t find_tag(const std::string& tag, int64_t from, int64_t to) const;

  void check_invariants() const;

 private:
  int64_t chunk_entries_;
  std::vector<ChunkEntry> entries_;
};

}  // namespace eddy::core::kafka::linkv
