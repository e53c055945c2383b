// What a node hands its driver to make durable, and what the driver hands
// back on restart: Raft's hard state (term and vote), its log entries and its
// latest snapshot. Plain data, as etcd's raft hands its Ready's HardState,
// Entries and Snapshot to the application.
//
// The contract (docs/raft.md, "Persistence"):
//  - a PersistEffect is durable before any effect that follows it is
//    executed: the driver writes (and, to a file, fsyncs) it first, so no
//    message that depends on it (a vote, an append acknowledgement) leaves
//    before it;
//  - applying the PersistEffects in order to an empty Persisted, with
//    `apply`, gives exactly what a restarted node must be restored from;
//  - a driver that loses the tail of what it wrote (a crash mid-write) loses
//    whole effects from the end, never a middle one, and never applies a
//    torn one (the file format checks each record).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.h"

namespace eddy::core {

// Raft's hard state: the current term and the candidate voted for in it
// (empty: none). Commit need not be durable: a restarted node learns it again.
struct HardState {
  int64_t term = 0;
  std::string vote;
  friend bool operator==(const HardState&, const HardState&) = default;
};

struct PersistedEntry {
  int64_t index = 0;
  int64_t term = 0;
  Value command;
  friend bool operator==(const PersistedEntry&, const PersistedEntry&) = default;
};

// The state machine as of `index` (whose entry had `term`), which replaces
// every entry up to and including `index`.
struct PersistedSnapshot {
  int64_t index = 0;
  int64_t term = 0;
  Value data;
  friend bool operator==(const PersistedSnapshot&, const PersistedSnapshot&) = default;
};

struct PersistEffect {
  std::optional<HardState> hard_state;  // the new hard state, if it changed
  std::optional<PersistedSnapshot> snapshot;
  // Entries from this index on are dropped before `entries` are appended
  // (a follower's log that conflicted with its leader's); 0: none.
  int64_t truncate_from = 0;
  // Appended in order, indexes consecutive, following what is kept.
  std::vector<PersistedEntry> entries;
  friend bool operator==(const PersistEffect&, const PersistEffect&) = default;
};

// Everything persisted so far, as a restarted node needs it.
struct Persisted {
  HardState hard_state;
  std::optional<PersistedSnapshot> snapshot;
  std::vector<PersistedEntry> entries;  // after the snapshot's index, consecutive

  // Folds one effect in (its snapshot first, then its truncation, then its
  // entries); returns false, changing nothing, if the effect does not follow
  // from this state (entries that would leave a gap).
  bool apply(const PersistEffect& effect);
  bool empty() const { return hard_state.term == 0 && !snapshot && entries.empty(); }
  friend bool operator==(const Persisted&, const Persisted&) = default;
};

}  // namespace eddy::core
