#include "checker/process_walk.h"

#include "checker/process_table.h"

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

namespace eddy::checker::detail {
namespace {

constexpr int64_t kNoLagOffset = std::numeric_limits<int64_t>::min();
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

// What one process remembers about one key.
struct KeyState {
  int32_t last_read_op = kNone;     // poll-skip's last-reads[k]
  int32_t last_read_value = kNone;  // the last message that op read for k; kNone for []
  int32_t last_send_op = kNone;     // nonmonotonic-send's last-sends[k]
  int32_t last_send_value = kNone;
  int64_t lag_offset = kNoLagOffset;  // realtime-lag's process-offsets[k]
  // expired[k][lag_offset + 1], kept with lag_offset: every ok poll measures
  // the lag of every key the process tracks, most of them unchanged since.
  int64_t lag_expired_us = kNever;

  bool empty() const {
    return last_read_op == kNone && last_send_op == kNone && lag_offset == kNoLagOffset;
  }
};
// A process's key states, sorted by key id. A process tracks a few dozen
// keys at most; in a hash map each took a node, freed when an assign dropped
// the key and allocated again when a later op took it up. The vector
// allocates only as it grows: 228 times in the partition command's walk.
// Nothing depends on the order the states are visited in (measure_lag's
// choice among equal lags goes by key rank).
class ProcessState {
 public:
  using Entry = std::pair<int32_t, KeyState>;

  KeyState& operator[](int32_t key) {
    auto it = lower_bound(entries_, key);
    if (it == entries_.end() || it->first != key) it = entries_.insert(it, Entry{key, KeyState{}});
    return it->second;
  }
  const KeyState* find(int32_t key) const {
    const auto it = lower_bound(entries_, key);
    return it != entries_.end() && it->first == key ? &it->second : nullptr;
  }
  // Calls update(key, state) on each entry, then drops those left empty.
  template <class Update>
  void update_and_prune(Update update) {
    size_t kept = 0;
    for (Entry& entry : entries_) {
      update(entry.first, entry.second);
      if (!entry.second.empty()) entries_[kept++] = entry;
    }
    entries_.resize(kept);
  }
  auto begin() const { return entries_.begin(); }
  auto end() const { return entries_.end(); }

 private:
  // The first entry whose key is not below `key`, in `entries` (const or not).
  template <class Entries>
  static auto lower_bound(Entries& entries, int32_t key) -> decltype(entries.begin()) {
    return std::lower_bound(entries.begin(), entries.end(), key,
                            [](const Entry& e, int32_t k) { return e.first < k; });
  }

  std::vector<Entry> entries_;
};

// The value a polled record read.
int32_t value_at(const HistoryIndex& index, int32_t record) {
  return index.record_value[static_cast<size_t>(record)];
}

// The version-order index of a value; kNone for none.
int32_t index_of(const HistoryIndex& index, int32_t value) {
  return value == kNone ? kNone : index.fact(value).index;
}

// The version-order distance from a to b; 1 (no error) when either index is
// unknown, as Jepsen does.
int32_t delta(int32_t index_a, int32_t index_b) {
  return index_a == kNone || index_b == kNone ? 1 : index_b - index_a;
}

// A (value_a, value_b) case of `key` with its indices and delta filled in.
PairCase pair_case(const HistoryIndex& index, int32_t key, int32_t value_a, int32_t value_b) {
  PairCase pair;
  pair.key = key;
  pair.value_a = value_a;
  pair.value_b = value_b;
  pair.index_a = index_of(index, value_a);
  pair.index_b = index_of(index, value_b);
  pair.delta = delta(pair.index_a, pair.index_b);
  return pair;
}

// Calls visit(i, ok, span) for every polled span of every poll completion, in
// history order.
template <typename Visit>
void for_each_polled_span(const History& history, const HistoryIndex& index, Visit visit) {
  for (int32_t i = 0; i < index.op_count; ++i) {
    const Op& op = history[static_cast<size_t>(i)];
    if (!is_client_op(op) || op.type == OpType::kInvoke || op.f != OpF::kPoll) continue;
    const Range range = index.op_range[static_cast<size_t>(i)];
    for (int32_t s = range.begin; s < range.end; ++s) {
      visit(i, op.type == OpType::kOk, index.spans[static_cast<size_t>(s)]);
    }
  }
}

// The checks of each poll's own reads, op by op.
class ReadChecks {
 public:
  ReadChecks(const HistoryIndex& index, Cases& cases) : index_(index), cases_(cases) {}

  void check(int32_t i, bool ok, const PolledSpan& span) {
    check_reads(i, ok, span);
    check_internal(i, span);
  }

 private:
  // int-poll-skip+nonmonotonic-cases: consecutive records of one key.
  void check_internal(int32_t i, const PolledSpan& span) {
    for (int32_t r = span.begin + 1; r < span.end; ++r) {
      PairCase error = pair_case(index_, span.key, value_at(index_, r - 1), value_at(index_, r));
      error.op_a = error.op_b = i;
      if (error.delta > 1) cases_.int_poll_skip.push_back(error);
      if (error.delta < 1) cases_.int_nonmonotonic_poll.push_back(error);
    }
  }

  // Every read against its writer:
  //  - no send carried the message (or it is not an integer): Elle's wr-graph
  //    throws no-writer-of-value, so Jepsen's result is :unknown;
  //  - g1a-cases: an ok poll read a message whose send failed;
  //  - an ok poll completed before the send of its message was invoked: the
  //    wr edge send -> poll and the realtime edge poll -> send make a cycle.
  //    Every cycle over wr and realtime edges contains such a pair (along a
  //    cycle, each send's invocation would precede the next one's), so these
  //    are exactly the cases in which Elle reports G1c-realtime.
  void check_reads(int32_t i, bool ok, const PolledSpan& span) {
    for (int32_t r = span.begin; r < span.end; ++r) {
      const int32_t value = value_at(index_, r);
      const ValueFacts& facts = index_.fact(value);
      if (!facts.attempted || index_.values.value_of(value) == kNonIntegerValue) {
        cases_.phantom_read.push_back(ReadCase{value, i, kNone});
        continue;
      }
      if (!ok) continue;
      if (facts.fail_written) cases_.g1a.push_back(ReadCase{value, i, facts.writer});
      if (facts.writer_invocation != kNone && i < facts.writer_invocation) {
        cases_.g1c_realtime.push_back(ReadCase{value, i, facts.writer});
      }
    }
  }

  const HistoryIndex& index_;
  Cases& cases_;
};

// The checks that follow each process through the history.
class ProcessWalker {
 public:
  ProcessWalker(const History& history, const HistoryIndex& index, Cases& cases)
      : history_(history), index_(index), cases_(cases) {
    assigned_stamp_.assign(static_cast<size_t>(index.key_count()), 0);
  }

  void run() {
    for (int32_t i = 0; i < index_.op_count; ++i) {
      const Op& op = history_[static_cast<size_t>(i)];
      if (!is_client_op(op) || op.type == OpType::kInvoke) continue;
      if (op.f == OpF::kAssign) on_assign(i, op);
      if (op.f == OpF::kPoll) on_poll(i, op);
      if (op.f == OpF::kSend) on_send(i, op);
    }
  }

 private:
  int64_t max_offset(const PolledSpan& span) const {
    int64_t offset = -1;  // op->max-poll-offsets: an empty list gives -1
    for (int32_t r = span.begin; r < span.end; ++r) {
      offset = std::max(offset, index_.record_offset[static_cast<size_t>(r)]);
    }
    return offset;
  }

  int64_t expired_at(int32_t key, int64_t offset) const {
    const std::vector<OffsetReached>& points = index_.offsets_reached[static_cast<size_t>(key)];
    const auto it = std::lower_bound(
        points.begin(), points.end(), offset,
        [](const OffsetReached& point, int64_t wanted) { return point.offset < wanted; });
    return it == points.end() ? kNever : it->time_us;
  }

  void set_lag_offset(int32_t key, KeyState& state, int64_t offset) const {
    state.lag_offset = offset;
    state.lag_expired_us = expired_at(key, offset + 1);
  }

  // assign (ok or info): keep only the assigned keys' last reads and sends;
  // an ok assign also resets realtime-lag's offsets to the assigned keys,
  // keeping those it had and starting the others at -1.
  void on_assign(int32_t i, const Op& op) {
    if (op.type != OpType::kOk && op.type != OpType::kInfo) return;
    const bool ok = op.type == OpType::kOk;
    const Range range = index_.op_range[static_cast<size_t>(i)];
    ++stamp_;
    for (int32_t k = range.begin; k < range.end; ++k) {
      assigned_stamp_[static_cast<size_t>(index_.assign_keys[static_cast<size_t>(k)])] = stamp_;
    }
    ProcessState& process = processes_[op.process];
    process.update_and_prune([&](int32_t key, KeyState& state) {
      if (assigned_stamp_[static_cast<size_t>(key)] != stamp_) {
        state.last_read_op = state.last_read_value = kNone;
        state.last_send_op = state.last_send_value = kNone;
        if (ok) state.lag_offset = kNoLagOffset;
      }
    });
    if (!ok) return;
    for (int32_t k = range.begin; k < range.end; ++k) {
      const int32_t key = index_.assign_keys[static_cast<size_t>(k)];
      KeyState& state = process[key];
      if (state.lag_offset == kNoLagOffset) set_lag_offset(key, state, -1);
    }
  }

  void on_poll(int32_t i, const Op& op) {
    const Range range = index_.op_range[static_cast<size_t>(i)];
    const bool ok = op.type == OpType::kOk;
    if (range.begin == range.end && !ok) return;
    ProcessState& process = processes_[op.process];
    for (int32_t s = range.begin; s < range.end; ++s) {
      const PolledSpan& span = index_.spans[static_cast<size_t>(s)];
      check_against_last(i, span, process);
      if (!ok) continue;
      KeyState& state = process[span.key];
      state.last_read_op = i;
      state.last_read_value = span.begin < span.end ? value_at(index_, span.end - 1) : kNone;
      if (const int64_t offset = max_offset(span); offset > state.lag_offset) {
        set_lag_offset(span.key, state, offset);
      }
    }
    if (ok) measure_lag(i, op, process);
  }

  // poll-skip+nonmonotonic-cases: the first message read now against the
  // last one the process's previous ok poll of the key read.
  void check_against_last(int32_t i, const PolledSpan& span, const ProcessState& process) {
    const KeyState* last = process.find(span.key);
    if (last == nullptr || last->last_read_op == kNone) return;
    PairCase error = pair_case(index_, span.key, last->last_read_value,
                               span.begin < span.end ? value_at(index_, span.begin) : kNone);
    error.op_a = last->last_read_op;
    error.op_b = i;
    if (error.delta > 1) cases_.poll_skip.push_back(error);
    if (error.delta < 1) cases_.nonmonotonic_poll.push_back(error);
  }

  // nonmonotonic-send-cases, over ok and info completions.
  void on_send(int32_t i, const Op& op) {
    if (op.type != OpType::kOk && op.type != OpType::kInfo) return;
    const int32_t value = index_.op_value[static_cast<size_t>(i)];
    KeyState& state = processes_[op.process][index_.values.key_of(value)];
    if (state.last_send_op != kNone) {
      PairCase error = pair_case(index_, index_.values.key_of(value), state.last_send_value, value);
      error.op_a = state.last_send_op;
      error.op_b = i;
      if (error.delta < 1) cases_.nonmonotonic_send.push_back(error);
    }
    state.last_send_op = i;
    state.last_send_value = value;
  }

  // realtime-lag: for every key the process tracks, how long before this
  // poll's invocation the offset after the highest one it has seen existed.
  void measure_lag(int32_t i, const Op& op, const ProcessState& process) {
    const int32_t invocation = index_.invocation_of[static_cast<size_t>(i)];
    const int64_t invoked_us =
        invocation == kNone ? op.time_us : history_[static_cast<size_t>(invocation)].time_us;
    for (const auto& [key, state] : process) {
      if (state.lag_offset == kNoLagOffset) continue;
      const int64_t expired_us = state.lag_expired_us;
      const int64_t lag_us =
          expired_us == kNever ? 0 : std::max<int64_t>(0, invoked_us - expired_us);
      const int32_t rank = index_.key_rank[static_cast<size_t>(key)];
      // The first worst lag in history order; within one poll, in key order.
      if (lag_us > worst_lag_us_ ||
          (lag_us == worst_lag_us_ && i == worst_op_ && rank < worst_rank_)) {
        worst_lag_us_ = lag_us;
        worst_op_ = i;
        worst_rank_ = rank;
        cases_.worst_lag =
            RealtimeLag{lag_us, invoked_us, op.process, index_.key_names[static_cast<size_t>(key)]};
      }
    }
  }

  const History& history_;
  const HistoryIndex& index_;
  Cases& cases_;
  ProcessTable<ProcessState> processes_;
  std::vector<uint32_t> assigned_stamp_;  // by key id: == stamp_ when in the current assign
  uint32_t stamp_ = 0;
  int64_t worst_lag_us_ = -1;
  int32_t worst_op_ = kNone;
  int32_t worst_rank_ = 0;
};

}  // namespace

void walk_processes(const History& history, const HistoryIndex& index, Cases& cases) {
  ProcessWalker(history, index, cases).run();
}

void walk_reads(const History& history, const HistoryIndex& index, Cases& cases) {
  ReadChecks checks(index, cases);
  for_each_polled_span(history, index, [&](int32_t i, bool ok, const PolledSpan& span) {
    checks.check(i, ok, span);
  });
}

}  // namespace eddy::checker::detail
