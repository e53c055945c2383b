#include "sim/services/kv_versions.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>

#include "core/invariant.h"

namespace eddy::sim {

int64_t KvVersions::oldest_index() const {
  return std::max<int64_t>(0, last_index_ - (kStatesRetained - 1));
}

const core::Value* KvVersions::find(const core::Value& key, int64_t index) const {
  EDDY_INVARIANT(oldest_index() <= index && index <= last_index_,
                 "KvVersions::find: state " + std::to_string(index) + " is not retained");
  const auto it = keys_.find(key);
  if (it == keys_.end()) return nullptr;
  const Versions& versions = it->second;
  // The last version written at or before `index`.
  const auto after = std::upper_bound(
      versions.begin(), versions.end(), index,
      [](int64_t wanted, const std::pair<int64_t, core::Value>& v) { return wanted < v.first; });
  if (after == versions.begin()) return nullptr;
  return &std::prev(after)->second;
}

void KvVersions::append(const core::Value& key, std::optional<core::Value> stored) {
  ++last_index_;
  if (!stored) return;
  Versions& versions = keys_[key];
  versions.emplace_back(last_index_, std::move(*stored));
  prune(versions);
}

void KvVersions::prune(Versions& versions) const {
  // A version is still visible while the next one is newer than the oldest
  // retained state; the first of the rest may be older and still visible.
  const int64_t oldest = oldest_index();
  size_t drop = 0;
  while (drop + 1 < versions.size() && versions[drop + 1].first <= oldest) ++drop;
  versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(drop));
}

}  // namespace eddy::sim
