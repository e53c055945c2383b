// KafkaLog: the per-key append-only logs and committed offsets of one node.
//
// Invariants (check_invariants):
//  - within a key, stored offsets are strictly increasing (append-only);
//  - a committed offset never decreases (commit() takes the maximum).
// Offsets may be sparse: later strategies insert records allocated elsewhere.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/message.h"
#include "core/value.h"

namespace eddy::core::kafka {

class KafkaLog {
 public:
  // Appends `msg` at the next offset of `key` (0 for a new key) and returns it.
  int64_t append(std::string_view key, Value msg);
  // Appends at a given offset, which must exceed every stored offset of `key`.
  // Returns false (and stores nothing) otherwise.
  bool append_at(std::string_view key, int64_t offset, Value msg);

  // The contiguous stored records of `key` from the first offset >= `from`,
  // at most `count_max` of them. Empty for unknown keys. The span is valid
  // until the next append to the same key.
  std::span<const Record> read(std::string_view key, int64_t from, size_t count_max) const;

  // Raises the committed offset of `key` to `offset`; a lower offset is
  // ignored, so committed offsets never move backwards.
  void commit(std::string_view key, int64_t offset);
  std::optional<int64_t> committed(std::string_view key) const;

  // The offset the next append() would use.
  int64_t next_offset(std::string_view key) const;

  size_t key_count() const { return logs_.size(); }
  size_t record_count() const;
  // Bytes held by the stored records (vector capacity plus out-of-line values),
  // for the memory benchmark.
  size_t record_bytes() const;

  void check_invariants() const;

 private:
  struct KeyLog {
    std::vector<Record> records;  // strictly increasing offsets
    std::optional<int64_t> committed;
  };
  KeyLog& log_for(std::string_view key);
  const KeyLog* find(std::string_view key) const;

  std::map<std::string, KeyLog, std::less<>> logs_;
};

}  // namespace eddy::core::kafka
