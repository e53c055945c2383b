// EventQueue: the simulator's agenda. Events are ordered by (due time,
// sequence number): two events due at the same microsecond run in the order
// they were scheduled, never by pointer or hash, so a seed replays exactly.
//
// Payloads are small plain data (a message in flight waits in the network's
// pool; the event names its slot), so they sit inline in a binary heap: a
// push or pop moves a few 56-byte entries and allocates nothing once the
// heap has reached the run's largest agenda.
//
// Beside the heap runs a FIFO lane for events scheduled a fixed delay ahead
// (a client's call timing out, push_in_order): their due times never go
// down, so a queue keeps them sorted. Most never matter (the call was
// answered) but each waits its full delay; at 1000 calls/s and a 5 s timeout
// that was 5,000 stale entries deepening every sift of the heap. pop() takes
// whichever head is earlier by (due time, sequence number), the same order a
// single heap gives, so moving events to the lane changes no run.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace eddy::sim {

// Virtual time in microseconds since the start of a run. Nodes see
// milliseconds (now_us / 1000); the finer unit lets rates above 1000 ops/s
// space their operations exactly.
using TimeUs = int64_t;

template <class Payload>
class EventQueue {
  static_assert(std::is_trivially_copyable_v<Payload>,
                "the agenda holds plain data; keep large payloads elsewhere and name them");

 public:
  // Schedules `payload` at `due_us`; returns its sequence number.
  uint64_t push(TimeUs due_us, Payload payload) {
    const uint64_t seq = next_seq_++;
    heap_.push_back(Entry{due_us, seq, payload});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
    return seq;
  }

  // As push, for an event whose due time is no earlier than that of any event
  // still in the lane: a fixed delay from a clock that never goes back. One
  // that is earlier (a delay that changed) goes to the heap: still in order.
  uint64_t push_in_order(TimeUs due_us, Payload payload) {
    if (lane_head_ < lane_.size() && due_us < lane_.back().due_us) return push(due_us, payload);
    const uint64_t seq = next_seq_++;
    lane_.push_back(Entry{due_us, seq, payload});
    return seq;
  }

  bool empty() const { return heap_.empty() && lane_head_ == lane_.size(); }
  size_t size() const { return heap_.size() + (lane_.size() - lane_head_); }
  std::optional<TimeUs> next_due_us() const {
    if (empty()) return std::nullopt;
    return next_is_lane() ? lane_[lane_head_].due_us : heap_.front().due_us;
  }

  // Removes and returns the earliest event. Pre: !empty().
  std::pair<TimeUs, Payload> pop() {
    if (next_is_lane()) {
      const Entry head = lane_[lane_head_++];
      // Reclaim the consumed prefix once it is most of the lane (amortised
      // O(1); the lane's storage stays at its peak and is reused).
      if (lane_head_ == lane_.size()) {
        lane_.clear();
        lane_head_ = 0;
      } else if (lane_head_ >= 1024 && lane_head_ * 2 >= lane_.size()) {
        lane_.erase(lane_.begin(), lane_.begin() + static_cast<std::ptrdiff_t>(lane_head_));
        lane_head_ = 0;
      }
      return {head.due_us, head.payload};
    }
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Entry top = heap_.back();
    heap_.pop_back();
    return {top.due_us, top.payload};
  }

 private:
  struct Entry {
    TimeUs due_us;
    uint64_t seq;
    Payload payload;
  };
  // std::*_heap keep the greatest first; "greater" is the earlier event.
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.due_us != b.due_us ? a.due_us > b.due_us : a.seq > b.seq;
    }
  };

  // Whether the lane's head comes before the heap's top. Pre: !empty().
  bool next_is_lane() const {
    if (lane_head_ == lane_.size()) return false;
    return heap_.empty() || Later{}(heap_.front(), lane_[lane_head_]);
  }

  std::vector<Entry> heap_;
  std::vector<Entry> lane_;  // sorted by (due, seq); [lane_head_, end) waits
  size_t lane_head_ = 0;
  uint64_t next_seq_ = 0;
};

}  // namespace eddy::sim
