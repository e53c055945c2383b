#include "core/kafka/linkv_cache.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "core/invariant.h"

namespace eddy::core::kafka::linkv {

std::span<const ChunkEntry> CachedLog::chunk(int64_t chunk) const {
  const int64_t begin = std::min(chunk * chunk_entries_, size());
  const int64_t end = std::min(begin + chunk_entries_, size());
  return std::span<const ChunkEntry>(entries_).subspan(static_cast<size_t>(begin),
                                                       static_cast<size_t>(end - begin));
}

MergeOutcome CachedLog::merge(int64_t chunk, std::span<const ChunkEntry> value) {
  EDDY_INVARIANT(std::ssize(value) <= chunk_entries_, "CachedLog::merge: chunk too long");
  const int64_t base = chunk * chunk_entries_;
  if (base > size()) return MergeOutcome::kNotContiguous;
  const int64_t overlap = std::min(size() - base, std::ssize(value));
  for (int64_t i = 0; i < overlap; ++i) {
    if (!(entries_[static_cast<size_t>(base + i)] == value[static_cast<size_t>(i)])) {
      return MergeOutcome::kConflict;
    }
  }
  if (base + std::ssize(value) <= size()) return MergeOutcome::kUnchanged;
  entries_.insert(entries_.end(), value.begin() + overlap, value.end());
  return MergeOutcome::kExtended;
}

size_t CachedLog::read(int64_t from, size_t count_max, std::vector<Record>& out) const {
  size_t count = 0;
  for (int64_t offset = std::max<int64_t>(from, 0); offset < size() && count < count_max;
       ++offset, ++count) {
    out.push_back(Record{offset, entries_[static_cast<size_t>(offset)].msg});
  }
  return count;
}

int64_t CachedLog::find_tag(const std::string& tag, int64_t from, int64_t to) const {
  for (int64_t offset = std::max<int64_t>(from, 0); offset < std::min(to, size()); ++offset) {
    if (entries_[static_cast<size_t>(offset)].tag == tag) return offset;
  }
  return -1;
}

void CachedLog::check_invariants() const {
  std::set<std::string_view> tags;
  for (const ChunkEntry& entry : entries_) {
    EDDY_INVARIANT(tags.insert(entry.tag).second,
                   "CachedLog: writer tag " + entry.tag + " appears twice in one log");
  }
}

}  // namespace eddy::core::kafka::linkv
