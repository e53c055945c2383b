// KvVersions: the last 32 states of a key-value map, for seq-kv.
//
// maelstrom `service.clj`'s `Sequential` keeps a ring buffer of the last 32
// whole `PersistentKV` states, numbered by `last-index` (the first state,
// empty, is number 0). Copying the map for every mutation would cost O(keys);
// instead each key keeps the list of (state number, value) at which it
// changed, so looking a key up in any retained state costs O(log versions)
// and each key keeps at most about 32 versions. The states it can answer for
// are exactly the ring buffer's.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/value.h"

namespace eddy::sim {

class KvVersions {
 public:
  // Sequential's buffer size in service.clj (`(sequential 32 ...)`).
  static constexpr int64_t kStatesRetained = 32;

  // The number of the newest state; 0 before any mutation.
  int64_t last_index() const { return last_index_; }
  // The oldest state still retained: max(0, last_index() - 31).
  int64_t oldest_index() const;

  // The value of `key` in state `index`, nullptr when the key is missing
  // there. Pre: oldest_index() <= index <= last_index().
  const core::Value* find(const core::Value& key, int64_t index) const;

  // Appends state last_index() + 1: a copy of the newest state, with `key`
  // set to `*stored` when given. (Sequential appends a state even when the
  // newest one is left unchanged, e.g. a cas that fails there.)
  void append(const core::Value& key, std::optional<core::Value> stored);

 private:
  using Versions = std::vector<std::pair<int64_t, core::Value>>;  // by state number

  // Drops versions that no retained state can see any more.
  void prune(Versions& versions) const;

  int64_t last_index_ = 0;
  std::map<core::Value, Versions> keys_;
};

}  // namespace eddy::sim
