// build_version_order: Jepsen's `version-orders` (tests/kafka.clj) and the two
// anomalies read straight off it, `inconsistent-offsets` and `duplicate`
// (`duplicate-cases`). Internal to the checker.
//
// For every key, the log is offset -> set of messages, taken from the sends of
// committed ops (`must-have-committed?`: ok, or info with a message some ok
// poll read) and from every poll completion. The dense order lists the offsets
// that hold something, ascending, so gaps in offsets are not skips. At each
// offset, by-index takes the smallest message (Clojure takes the first in its
// set's hash order; any fixed choice will do, and the smallest is stable).
//
// The indexer logs each key's (offset, message) facts op by op
// (HistoryIndex::key_log), which for a simulated run is while the run goes
// on, on the history's own thread; what is left here, after the run, is
// sorting each key's log (mostly in order already) and sweeping it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/history.h"
#include "checker/history_index.h"

namespace eddy::checker::detail {

struct InconsistentOffset {
  int32_t key = 0;
  int64_t offset = 0;
  int32_t index = 0;            // dense index of the offset
  std::vector<int64_t> values;  // ascending, >= 2 of them
};

struct DuplicateValue {
  int32_t key = 0;
  int32_t value = 0;             // value id
  std::vector<int64_t> offsets;  // ascending, >= 2 of them
};

struct VersionOrder {
  std::vector<Range> key_order;                  // by key id: its by-index run in by_index
  std::vector<int32_t> by_index;                 // value ids
  std::vector<Range> key_values;                 // by key id: its logged values in values_in_log
  std::vector<int32_t> values_in_log;            // value ids, per key by (last index, message)
  std::vector<InconsistentOffset> inconsistent;  // key order, then offset
  std::vector<DuplicateValue> duplicates;        // key order, then message
  // Where Jepsen's version-orders would throw: a negative offset.
  std::vector<std::string> problems;

  // by-index of `key` at dense index `i`; i must be in range.
  int32_t at(int32_t key, int32_t i) const {
    return by_index[static_cast<size_t>(key_order[static_cast<size_t>(key)].begin + i)];
  }
};

// Also fills first_index, last_index, index and offset_count of index.facts.
VersionOrder build_version_order(const History& history, HistoryIndex& index);

}  // namespace eddy::checker::detail
