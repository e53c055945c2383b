// KafkaLog: the per-key append-only logs and committed offsets of one node.
//
// Invariants (check_invariants):
//  - within a key, stored offsets are strictly increasing (append-only);
//  - a committed offset never decreases (commit() takes the maximum).
// Offsets may be sparse: later strategies insert records allocated elsewhere.
// Storage per key is a RecordStore (record_store.h): offsets kept as runs of
// consecutive offsets, messages as 8-byte words, about 8 bytes an integer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kafka/record_store.h"
#include "core/message.h"
#include "core/string_hash.h"
#include "core/value.h"

namespace eddy::core::kafka {

class KafkaLog {
 public:
  // Appends `msg` at the next offset of `key` (0 for a new key) and returns it.
  int64_t append(std::string_view key, Value msg);
  // Appends at a given offset, which must exceed every stored offset of `key`.
  // Returns false (and stores nothing) otherwise.
  bool append_at(std::string_view key, int64_t offset, Value msg);
  // Stores `msg` at `offset` wherever it falls among the stored offsets (for
  // records allocated by other nodes, which arrive out of order). Returns
  // false (and stores nothing) if the offset is already taken.
  bool insert(std::string_view key, int64_t offset, Value msg);
  bool contains(std::string_view key, int64_t offset) const;

  // Appends to `out` the contiguous stored records of `key` from the first
  // offset >= `from`, at most `count_max` of them (none for unknown keys).
  // Returns how many it appended.
  size_t read(std::string_view key, int64_t from, size_t count_max, std::vector<Record>& out) const;

  // A key's records, for a caller that keeps per-key state of its own and
  // would otherwise look the key up twice on each request (GossipKafka).
  // records_of creates the key; the store stays where it is for the life of
  // the log, since keys are never removed. find_records: null for a key
  // never stored to.
  RecordStore& records_of(std::string_view key) { return log_for(key).records; }
  const RecordStore* find_records(std::string_view key) const;

  // Raises the committed offset of `key` to `offset`; a lower offset is
  // ignored, so committed offsets never move backwards.
  void commit(std::string_view key, int64_t offset);
  std::optional<int64_t> committed(std::string_view key) const;

  // The offset the next append() would use.
  int64_t next_offset(std::string_view key) const;

  size_t key_count() const { return logs_.size(); }
  // Every key holding a record or a committed offset, in order (for
  // snapshots of the whole log).
  std::vector<std::string> keys() const;
  size_t record_count() const;
  // Bytes allocated for the stored records (runs, chunks, text arenas), for
  // the memory benchmark.
  size_t record_bytes() const;

  void check_invariants() const;

 private:
  // The records live in a RecordStore (runs of offsets, 8-byte words in
  // chunks, texts in an arena): about 8 bytes per integer message.
  struct KeyLog {
    RecordStore records;
    std::optional<int64_t> committed;
  };
  KeyLog& log_for(std::string_view key);
  const KeyLog* find(std::string_view key) const;

  // Looked up on every send and poll: hashed; keys() sorts where order matters.
  StringMap<KeyLog> logs_;
};

}  // namespace eddy::core::kafka
