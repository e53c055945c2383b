// HistoryIndex: one pass over a History that turns the client ops into flat,
// interned data (key ids, message ids, spans of polled records), so that the
// checker's later passes neither hash strings nor allocate per op. Internal to
// the checker.
//
// Ids: a key id per distinct key string, a value id per distinct (key,
// message) pair, both in first-seen order. Op numbers are positions in the
// History. Output never shows an id: it shows keys (in key_rank order),
// messages and op positions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/history.h"
#include "checker/process_table.h"
#include "checker/value_table.h"

namespace eddy::checker::detail {

inline constexpr int32_t kNone = -1;
inline constexpr int64_t kNoOffset = std::numeric_limits<int64_t>::min();

// Jepsen's `h/client-ops`: everything but the nemesis.
inline bool is_client_op(const Op& op) {
  return op.f != OpF::kNemesis && op.process != kNemesisProcess;
}

// True when a's key sorts before b's in the reports: integer keys ("7",
// "12") by value, before any other key, which sorts as bytes.
bool key_less(const std::string& a, const std::string& b);

// What the history says about one (key, message) pair.
struct ValueFacts {
  int32_t writer = kNone;             // last completed send of it (Jepsen's writer-of)
  int32_t writer_invocation = kNone;  // that send's invocation
  int32_t first_reader = kNone;       // first completion that read it (readers-of, first)
  bool sent_ok = false;               // an ok send wrote it
  bool read_ok = false;               // an ok poll read it (reads-by-type :ok)
  bool fail_written = false;          // a failed send wrote it (writes-by-type :fail)
  bool attempted = false;             // some send op carried it, completed or not

  // Filled by build_version_order, in dense indices of its key's log.
  int32_t first_index = kNone;  // where it first appears
  int32_t last_index = kNone;   // where it last appears
  int32_t index = kNone;        // Jepsen's by-value: unknown (kNone) if it never wins an offset
  int32_t offset_count = 0;     // offsets holding it (duplicate when >= 2)
  // The first offset it was logged at (log_version): a record that repeats
  // it, most of them, is not logged again.
  int64_t first_offset = kNoOffset;
};

// One entry of a key's version log (HistoryIndex::key_log): a message at an
// offset, as a committed send or a polled record gave it.
struct LoggedVersion {
  int64_t offset = 0;
  int64_t message = 0;
  int32_t value = 0;  // value id of (key, message)
};

// realtime-lag's `expired[k]` as the points where it grows: from the op
// completed at `time_us` on, some ok/info op had seen `offset` of the key.
struct OffsetReached {
  int64_t offset = 0;
  int64_t time_us = 0;
};

// Where Jepsen's version-orders would throw: the first negative offset the
// log met, by op number.
struct NegativeOffset {
  int32_t op = kNone;
  int32_t key = 0;
  int64_t offset = 0;
};

struct Range {
  int32_t begin = 0;
  int32_t end = 0;
};

// One key of a poll completion: its records are [begin, end) of
// record_value / record_offset.
struct PolledSpan {
  int32_t key = 0;
  int32_t begin = 0;
  int32_t end = 0;
};

struct HistoryIndex {
  int32_t op_count = 0;

  std::vector<std::string> key_names;    // by key id
  std::vector<int32_t> key_rank;         // by key id: position in key_less order
  std::vector<uint8_t> key_read_ok;      // by key id: an ok poll returned it, even as []
  std::vector<int32_t> key_first_touch;  // by key id: first ok send/poll with data for it

  ValueTable values;
  std::vector<ValueFacts> facts;  // by value id

  std::vector<int32_t> op_value;       // by op: a send's value id, else kNone
  std::vector<Range> op_range;         // by op: a poll's spans, or an assign's keys
  std::vector<int32_t> invocation_of;  // by op: a completion's invocation, else kNone

  std::vector<PolledSpan> spans;
  std::vector<int32_t> record_value;  // by record: value id
  std::vector<int64_t> record_offset;
  std::vector<int32_t> assign_keys;

  int32_t last_ok_data_op = kNone;  // the last ok send or poll (unseen's final snapshot)

  // The version order's raw material, gathered op by op while the history is
  // still being recorded, so that build_version_order, after the run, only
  // sorts each key's log: by key id, every (offset, message) of an ok send
  // and of a poll completion's records, but for the repeats first_offset
  // filters out (unsorted, and perhaps still holding duplicates).
  std::vector<std::vector<LoggedVersion>> key_log;
  // Info sends with an offset: in the log only if an ok poll read their
  // message (must-have-committed?), which only the whole history tells.
  std::vector<int32_t> info_sends_with_offset;
  NegativeOffset first_negative_offset;
  // By key id: where realtime-lag's expired[k] grows (element j of Jepsen's
  // vector is the completion time of the first ok/info op whose highest
  // offset of k is >= j), gathered op by op as the log is.
  std::vector<std::vector<OffsetReached>> offsets_reached;

  int32_t key_count() const { return static_cast<int32_t>(key_names.size()); }
  const ValueFacts& fact(int32_t value_id) const { return facts[static_cast<size_t>(value_id)]; }
  ValueFacts& fact(int32_t value_id) { return facts[static_cast<size_t>(value_id)]; }
};

// Builds the index op by op, in history order: for a history still being
// recorded (sim/live_history.h) as for a whole one (index_history).
class HistoryIndexer {
 public:
  HistoryIndexer();
  ~HistoryIndexer();
  HistoryIndexer(HistoryIndexer&&) noexcept;
  HistoryIndexer& operator=(HistoryIndexer&&) = delete;
  // Room for `ops` ops in the per-op tables, and a guess at what their
  // completions bring.
  void reserve(size_t ops);
  void add(const Op& op);
  HistoryIndex finish() &&;

 private:
  void pair(int32_t i, const Op& op);
  int32_t key_id(std::string_view key);
  static std::optional<size_t> small_key(std::string_view key);
  void add_key(std::string_view key);
  int32_t value_id(int32_t key, int64_t value);
  void touch(int32_t key, int32_t i);
  void add_send(int32_t i, const Op& op);
  void add_poll(int32_t i, const Op& op);
  void add_assign(int32_t i, const Op& op);
  void reach_offset(int32_t key, int64_t offset, int64_t time_us);
  void rank_keys();

  HistoryIndex index_;
  static constexpr size_t kSmallKeys = size_t{1} << 20;
  std::unordered_map<std::string, int32_t> key_ids_;
  std::vector<int32_t> small_key_ids_;  // by decimal key: key id, or kNone
  struct Pending {
    int32_t op = kNone;  // the process's invocation in flight
  };
  ProcessTable<Pending> pending_;
};

HistoryIndex index_history(const History& history);

// Logs `message` of `key` (value id `value`) at `offset` into
// index.key_log, as op `op` gave it; a repeat of the value's first offset is
// left out, and a negative offset is only noted (first_negative_offset).
void log_version(HistoryIndex& index, int32_t key, int32_t value, int64_t message, int64_t offset,
                 int32_t op);

}  // namespace eddy::checker::detail
