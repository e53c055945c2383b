#include "checker/history_index.h"

#include <algorithm>
#include <charconv>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "checker/process_table.h"
#include "core/invariant.h"

namespace eddy::checker::detail {
namespace {

std::optional<int64_t> integer_key(std::string_view key) {
  int64_t value = 0;
  const char* end = key.data() + key.size();
  const auto result = std::from_chars(key.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end || key.empty()) return std::nullopt;
  return value;
}

}  // namespace

HistoryIndexer::HistoryIndexer() = default;
HistoryIndexer::~HistoryIndexer() = default;
HistoryIndexer::HistoryIndexer(HistoryIndexer&&) noexcept = default;

void HistoryIndexer::reserve(size_t ops) {
  index_.op_value.reserve(ops);
  index_.op_range.reserve(ops);
  index_.invocation_of.reserve(ops);
  // What completions bring, reserved by a generous guess: room never written
  // costs address space only (a page is backed at its first write), while a
  // vector grown by doubling copied its contents and backed their pages
  // about twice. The partition command's history (40,000 entries) polled
  // 19,700 spans and 127,600 records and assigned 35,800 keys; its index's
  // thread faulted in about 500 fewer pages with these.
  index_.values.reserve(ops / 2);
  index_.facts.reserve(ops / 2);
  index_.spans.reserve(ops / 2);
  index_.record_value.reserve(4 * ops);
  index_.record_offset.reserve(4 * ops);
  index_.assign_keys.reserve(ops);
}

void HistoryIndexer::add(const Op& op) {
  EDDY_INVARIANT(index_.op_count < std::numeric_limits<int32_t>::max(),
                 "history too long for 32-bit op numbers");
  const int32_t i = index_.op_count++;
  index_.op_value.push_back(kNone);
  index_.op_range.push_back(Range{});
  index_.invocation_of.push_back(kNone);
  if (!is_client_op(op)) return;
  pair(i, op);
  switch (op.f) {
    case OpF::kSend:
      add_send(i, op);
      break;
    case OpF::kPoll:
      add_poll(i, op);
      break;
    case OpF::kAssign:
      add_assign(i, op);
      break;
    case OpF::kCrash:
    case OpF::kNemesis:
      break;
  }
}

HistoryIndex HistoryIndexer::finish() && {
  rank_keys();
  return std::move(index_);
}

// A process has one op in flight at a time (Jepsen's model): a completion
// belongs to its process's last invocation.
void HistoryIndexer::pair(int32_t i, const Op& op) {
  int32_t& pending = pending_[op.process].op;
  if (op.type == OpType::kInvoke) {
    pending = i;
  } else {
    index_.invocation_of[static_cast<size_t>(i)] = pending;
    pending = kNone;
  }
}

// Maelstrom's keys are small integers written in decimal: those index a
// vector, with no string hashing. Any other key goes to the hash map.
int32_t HistoryIndexer::key_id(std::string_view key) {
  const std::optional<size_t> number = small_key(key);
  if (!number) {
    const auto [it, added] = key_ids_.try_emplace(std::string(key), index_.key_count());
    if (added) add_key(key);
    return it->second;
  }
  if (*number >= small_key_ids_.size()) small_key_ids_.resize(*number + 1, kNone);
  int32_t& id = small_key_ids_[*number];
  if (id == kNone) {
    id = index_.key_count();
    add_key(key);
  }
  return id;
}

// The number a canonical decimal key ("0", "17", not "017" or "-1") below
// kSmallKeys stands for.
std::optional<size_t> HistoryIndexer::small_key(std::string_view key) {
  if (key.empty() || key.size() > 6 || (key[0] == '0' && key.size() > 1)) return std::nullopt;
  size_t number = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + static_cast<size_t>(c - '0');
  }
  return number < kSmallKeys ? std::optional<size_t>(number) : std::nullopt;
}

void HistoryIndexer::add_key(std::string_view key) {
  index_.key_names.emplace_back(key);
  index_.key_log.emplace_back();
  index_.offsets_reached.emplace_back();
  index_.key_read_ok.push_back(0);
  index_.key_first_touch.push_back(kNone);
}

int32_t HistoryIndexer::value_id(int32_t key, int64_t value) {
  const int32_t id = index_.values.intern(key, value);
  if (static_cast<size_t>(id) == index_.facts.size()) index_.facts.emplace_back();
  return id;
}

void HistoryIndexer::touch(int32_t key, int32_t i) {
  int32_t& first = index_.key_first_touch[static_cast<size_t>(key)];
  if (first == kNone) first = i;
}

void HistoryIndexer::add_send(int32_t i, const Op& op) {
  const int32_t key = key_id(op.key);
  const int32_t value = value_id(key, op.value);
  index_.op_value[static_cast<size_t>(i)] = value;
  ValueFacts& facts = index_.fact(value);
  facts.attempted = true;
  if (op.type == OpType::kInvoke) return;
  facts.writer = i;
  facts.writer_invocation = index_.invocation_of[static_cast<size_t>(i)];
  if (op.type == OpType::kFail) facts.fail_written = true;
  if (op.type == OpType::kOk) {
    facts.sent_ok = true;
    touch(key, i);
    index_.last_ok_data_op = i;
    if (op.offset) log_version(index_, key, value, op.value, *op.offset, i);
  }
  if (op.type == OpType::kInfo && op.offset) index_.info_sends_with_offset.push_back(i);
  // op->max-send-offsets starts its max at 0.
  if ((op.type == OpType::kOk || op.type == OpType::kInfo) && op.offset) {
    reach_offset(key, std::max<int64_t>(0, *op.offset), op.time_us);
  }
}
void HistoryIndexer::add_poll(int32_t i, const Op& op) {
  if (op.type == OpType::kInvoke) return;
  const bool ok = op.type == OpType::kOk;
  const bool reaches = ok || op.type == OpType::kInfo;
  if (ok) index_.last_ok_data_op = i;
  Range& range = index_.op_range[static_cast<size_t>(i)];
  range.begin = static_cast<int32_t>(index_.spans.size());
  for (const PolledKey& polled : op.polled) {
    const int32_t key = key_id(polled.key);
    PolledSpan span{key, static_cast<int32_t>(index_.record_value.size()), 0};
    int64_t highest = -1;  // op->max-poll-offsets: an empty list gives -1
    for (const PolledRecord& record : polled.records) {
      highest = std::max(highest, record.offset);
      const int32_t value = value_id(key, record.value);
      index_.record_value.push_back(value);
      index_.record_offset.push_back(record.offset);
      ValueFacts& facts = index_.fact(value);
      if (facts.first_reader == kNone) facts.first_reader = i;
      if (ok) facts.read_ok = true;
      log_version(index_, key, value, record.value, record.offset, i);
    }
    span.end = static_cast<int32_t>(index_.record_value.size());
    index_.spans.push_back(span);
    if (reaches) reach_offset(key, highest, op.time_us);
    if (ok) {
      index_.key_read_ok[static_cast<size_t>(key)] = 1;
      touch(key, i);
    }
  }
  range.end = static_cast<int32_t>(index_.spans.size());
  EDDY_INVARIANT(index_.record_value.size() < static_cast<size_t>(1) << 31,
                 "too many polled records for 32-bit record numbers");
}
void HistoryIndexer::add_assign(int32_t i, const Op& op) {
  Range& range = index_.op_range[static_cast<size_t>(i)];
  range.begin = static_cast<int32_t>(index_.assign_keys.size());
  for (const std::string& key : op.keys) index_.assign_keys.push_back(key_id(key));
  range.end = static_cast<int32_t>(index_.assign_keys.size());
}
void HistoryIndexer::reach_offset(int32_t key, int64_t offset, int64_t time_us) {
  std::vector<OffsetReached>& points = index_.offsets_reached[static_cast<size_t>(key)];
  if (offset >= 0 && (points.empty() || offset > points.back().offset)) {
    points.push_back(OffsetReached{offset, time_us});
  }
}

void HistoryIndexer::rank_keys() {
  std::vector<int32_t> order(index_.key_names.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return key_less(index_.key_names[static_cast<size_t>(a)],
                    index_.key_names[static_cast<size_t>(b)]);
  });
  index_.key_rank.assign(order.size(), 0);
  for (size_t rank = 0; rank < order.size(); ++rank) {
    index_.key_rank[static_cast<size_t>(order[rank])] = static_cast<int32_t>(rank);
  }
}

bool key_less(const std::string& a, const std::string& b) {
  const auto ia = integer_key(a);
  const auto ib = integer_key(b);
  if (ia && ib) return *ia != *ib ? *ia < *ib : a < b;
  if (ia || ib) return ia.has_value();
  return a < b;
}

void log_version(HistoryIndex& index, int32_t key, int32_t value, int64_t message, int64_t offset,
                 int32_t op) {
  if (offset < 0) {
    // version-orders-update-log indexes a vector by offset: Jepsen throws.
    NegativeOffset& first = index.first_negative_offset;
    if (first.op == kNone || op < first.op) first = NegativeOffset{op, key, offset};
    return;
  }
  ValueFacts& facts = index.fact(value);
  // Most records repeat a fact already known: left out before the sort.
  if (facts.first_offset == offset) return;
  if (facts.first_offset == kNoOffset) facts.first_offset = offset;
  index.key_log[static_cast<size_t>(key)].push_back(LoggedVersion{offset, message, value});
}

HistoryIndex index_history(const History& history) {
  HistoryIndexer indexer;
  indexer.reserve(history.size());
  for (const Op& op : history) indexer.add(op);
  return std::move(indexer).finish();
}

}  // namespace eddy::checker::detail
