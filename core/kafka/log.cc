// KafkaLog: see log.h. The records of each key are a RecordStore; this file
// keeps the keys, the committed offsets and the append/insert rules.
#include "core/kafka/log.h"

#include <algorithm>
#include <utility>

#include "core/invariant.h"

namespace eddy::core::kafka {

KafkaLog::KeyLog& KafkaLog::log_for(std::string_view key) {
  auto it = logs_.find(key);
  if (it == logs_.end()) it = logs_.emplace(std::string(key), KeyLog{}).first;
  return it->second;
}

const KafkaLog::KeyLog* KafkaLog::find(std::string_view key) const {
  const auto it = logs_.find(key);
  return it == logs_.end() ? nullptr : &it->second;
}

const RecordStore* KafkaLog::find_records(std::string_view key) const {
  const KeyLog* log = find(key);
  return log == nullptr ? nullptr : &log->records;
}

bool KafkaLog::insert(std::string_view key, int64_t offset, Value msg) {
  return log_for(key).records.insert(offset, msg);
}

bool KafkaLog::contains(std::string_view key, int64_t offset) const {
  const KeyLog* log = find(key);
  return log != nullptr && log->records.contains(offset);
}

int64_t KafkaLog::append(std::string_view key, Value msg) {
  KeyLog& log = log_for(key);
  const std::optional<int64_t> last = log.records.last_offset();
  const int64_t offset = last ? *last + 1 : 0;
  log.records.insert(offset, msg);
  return offset;
}

bool KafkaLog::append_at(std::string_view key, int64_t offset, Value msg) {
  KeyLog& log = log_for(key);
  const std::optional<int64_t> last = log.records.last_offset();
  if (last && offset <= *last) return false;
  return log.records.insert(offset, msg);
}

size_t KafkaLog::read(std::string_view key, int64_t from, size_t count_max,
                      std::vector<Record>& out) const {
  const KeyLog* log = find(key);
  return log == nullptr ? 0 : log->records.read(from, count_max, out);
}

void KafkaLog::commit(std::string_view key, int64_t offset) {
  KeyLog& log = log_for(key);
  if (!log.committed || *log.committed < offset) log.committed = offset;
}

std::optional<int64_t> KafkaLog::committed(std::string_view key) const {
  const KeyLog* log = find(key);
  return log ? log->committed : std::nullopt;
}

int64_t KafkaLog::next_offset(std::string_view key) const {
  const KeyLog* log = find(key);
  if (log == nullptr) return 0;
  const std::optional<int64_t> last = log->records.last_offset();
  return last ? *last + 1 : 0;
}

std::vector<std::string> KafkaLog::keys() const {
  std::vector<std::string> keys;
  keys.reserve(logs_.size());
  for (const auto& [key, log] : logs_) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

size_t KafkaLog::record_count() const {
  size_t count = 0;
  for (const auto& [key, log] : logs_) count += log.records.size();
  return count;
}

size_t KafkaLog::record_bytes() const {
  size_t bytes = 0;
  for (const auto& [key, log] : logs_) bytes += log.records.bytes();
  return bytes;
}

void KafkaLog::check_invariants() const {
  // The simulator runs this every invariant_check_every_steps steps, over
  // thousands of keys at high rates: first a pass in the map's own order
  // with nothing sorted, then, only if something is broken, one in key order,
  // so that the violation named is the first by key on any standard library.
  const bool all_hold = std::all_of(logs_.begin(), logs_.end(), [](const auto& entry) {
    return entry.second.records.invariants_hold();
  });
  if (all_hold) return;
  for (const std::string& key : keys()) logs_.find(key)->second.records.check_invariants(key);
}

}  // namespace eddy::core::kafka
