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

KafkaLog::Slot KafkaLog::make_slot(KeyLog& log, int64_t offset, const Value& msg) {
  if (msg.is_integer()) return Slot{offset, static_cast<uint64_t>(msg.integer()), kIntegerSlot};
  const std::string_view text = msg.json_text();
  EDDY_INVARIANT(text.size() < kIntegerSlot, "a message's JSON text exceeds 4 GiB");
  const Slot slot{offset, log.arena.size(), static_cast<uint32_t>(text.size())};
  log.arena.append(text);
  return slot;
}

void KafkaLog::store(KeyLog& log, int64_t offset, const Value& msg) {
  log.slots.push_back(make_slot(log, offset, msg));
}

bool KafkaLog::insert(std::string_view key, int64_t offset, Value msg) {
  KeyLog& log = log_for(key);
  if (log.slots.empty() || log.slots.back().offset < offset) {
    store(log, offset, msg);
    return true;
  }
  const auto at = std::lower_bound(log.slots.begin(), log.slots.end(), offset,
                                   [](const Slot& s, int64_t o) { return s.offset < o; });
  if (at != log.slots.end() && at->offset == offset) return false;
  const auto index = at - log.slots.begin();
  const Slot slot = make_slot(log, offset, msg);
  log.slots.insert(log.slots.begin() + index, slot);
  return true;
}

bool KafkaLog::contains(std::string_view key, int64_t offset) const {
  const KeyLog* log = find(key);
  if (log == nullptr) return false;
  const auto at = std::lower_bound(log->slots.begin(), log->slots.end(), offset,
                                   [](const Slot& s, int64_t o) { return s.offset < o; });
  return at != log->slots.end() && at->offset == offset;
}

int64_t KafkaLog::append(std::string_view key, Value msg) {
  KeyLog& log = log_for(key);
  const int64_t offset = log.slots.empty() ? 0 : log.slots.back().offset + 1;
  store(log, offset, msg);
  return offset;
}

bool KafkaLog::append_at(std::string_view key, int64_t offset, Value msg) {
  KeyLog& log = log_for(key);
  if (!log.slots.empty() && offset <= log.slots.back().offset) return false;
  store(log, offset, msg);
  return true;
}

size_t KafkaLog::read(std::string_view key, int64_t from, size_t count_max,
                      std::vector<Record>& out) const {
  const KeyLog* log = find(key);
  if (log == nullptr) return 0;
  auto slot = std::lower_bound(log->slots.begin(), log->slots.end(), from,
                               [](const Slot& s, int64_t offset) { return s.offset < offset; });
  size_t count = 0;
  for (; slot != log->slots.end() && count < count_max; ++slot, ++count) {
    if (slot->text_bytes == kIntegerSlot) {
      out.push_back(Record{slot->offset, Value(static_cast<int64_t>(slot->word))});
    } else {
      const std::string_view text(log->arena.data() + slot->word, slot->text_bytes);
      out.push_back(Record{slot->offset, Value::from_json_text(text)});
    }
  }
  return count;
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
  return log == nullptr || log->slots.empty() ? 0 : log->slots.back().offset + 1;
}

std::vector<std::string> KafkaLog::keys() const {
  std::vector<std::string> keys;
  keys.reserve(logs_.size());
  for (const auto& [key, log] : logs_) keys.push_back(key);
  return keys;
}

size_t KafkaLog::record_count() const {
  size_t count = 0;
  for (const auto& [key, log] : logs_) count += log.slots.size();
  return count;
}

size_t KafkaLog::record_bytes() const {
  size_t bytes = 0;
  for (const auto& [key, log] : logs_) {
    bytes += log.slots.capacity() * sizeof(Slot) + log.arena.capacity();
  }
  return bytes;
}

void KafkaLog::check_invariants() const {
  for (const auto& [key, log] : logs_) {
    for (size_t i = 1; i < log.slots.size(); ++i) {
      EDDY_INVARIANT(
          log.slots[i - 1].offset < log.slots[i].offset,
          "offsets of key '" + key + "' are not strictly increasing at index " + std::to_string(i));
    }
  }
}

}  // namespace eddy::core::kafka
