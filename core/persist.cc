#include "core/persist.h"

#include <algorithm>
#include <utility>

namespace eddy::core {

bool Persisted::apply(const PersistEffect& effect) {
  Persisted next = *this;
  if (effect.hard_state) next.hard_state = *effect.hard_state;
  if (effect.snapshot) {
    const int64_t index = effect.snapshot->index;
    std::erase_if(next.entries, [&](const PersistedEntry& e) { return e.index <= index; });
    next.snapshot = effect.snapshot;
  }
  if (effect.truncate_from > 0) {
    std::erase_if(next.entries,
                  [&](const PersistedEntry& e) { return e.index >= effect.truncate_from; });
  }
  int64_t last =
      next.entries.empty() ? (next.snapshot ? next.snapshot->index : 0) : next.entries.back().index;
  // What is kept must follow the snapshot without a gap.
  const int64_t first_kept = next.snapshot ? next.snapshot->index + 1 : 1;
  if (!next.entries.empty() && next.entries.front().index != first_kept) return false;
  for (const PersistedEntry& entry : effect.entries) {
    if (entry.index != last + 1) return false;
    next.entries.push_back(entry);
    last = entry.index;
  }
  *this = std::move(next);
  return true;
}

}  // namespace eddy::core
