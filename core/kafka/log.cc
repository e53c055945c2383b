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

int64_t KafkaLog::append(std::string_view key, Value msg) {
  KeyLog& log = log_for(key);
  const int64_t offset = log.records.empty() ? 0 : log.records.back().offset + 1;
  log.records.push_back(Record{offset, std::move(msg)});
  return offset;
}

bool KafkaLog::append_at(std::string_view key, int64_t offset, Value msg) {
  KeyLog& log = log_for(key);
  if (!log.records.empty() && offset <= log.records.back().offset) return false;
  log.records.push_back(Record{offset, std::move(msg)});
  return true;
}

std::span<const Record> KafkaLog::read(std::string_view key, int64_t from,
                                       size_t count_max) const {
  const KeyLog* log = find(key);
  if (log == nullptr) return {};
  const auto first = std::lower_bound(
      log->records.begin(), log->records.end(), from,
      [](const Record& record, int64_t offset) { return record.offset < offset; });
  const auto available = static_cast<size_t>(log->records.end() - first);
  return {&*first, std::min(available, count_max)};
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
  return log == nullptr || log->records.empty() ? 0 : log->records.back().offset + 1;
}

size_t KafkaLog::record_count() const {
  size_t count = 0;
  for (const auto& [key, log] : logs_) count += log.records.size();
  return count;
}

size_t KafkaLog::record_bytes() const {
  size_t bytes = 0;
  for (const auto& [key, log] : logs_) {
    bytes += log.records.capacity() * sizeof(Record);
    for (const Record& record : log.records) bytes += record.msg.heap_bytes();
  }
  return bytes;
}

void KafkaLog::check_invariants() const {
  for (const auto& [key, log] : logs_) {
    for (size_t i = 1; i < log.records.size(); ++i) {
      EDDY_INVARIANT(log.records[i - 1].offset < log.records[i].offset,
                     "offsets of key '" + key + "' are not strictly increasing at index " +
                         std::to_string(i));
    }
  }
}

}  // namespace eddy::core::kafka
