// EventQueue: the simulator's agenda. Events are ordered by (due time,
// sequence number): two events due at the same microsecond run in the order
// they were scheduled, never by pointer or hash, so a seed replays exactly.
//
// Payloads are small plain data (a message in flight waits in the network's
// pool; the event names its slot), so they sit inline in a binary heap: a
// push or pop moves a few 64-byte entries and allocates nothing once the
// heap has reached the run's largest agenda.
//
// Beside the heap run two FIFO lanes, each kept sorted by (due time,
// sequence number) simply by accepting only events due no earlier than its
// back (sequence numbers only grow):
//  - the delay lane, for events scheduled a fixed delay ahead (a client's
//    call timing out, push_in_order). Most never matter (the call was
//    answered) but each waits its full delay; at 1000 calls/s and a 5 s
//    timeout that was 5,000 stale entries deepening every sift of the heap.
//  - the now lane, for events due at the current time (the time of the
//    last event popped) or before: a message handed over at once, a
//    process's loop taking its next message. Most events are such, and a
//    FIFO takes them without sifting the heap.
// pop() takes whichever head is earliest by (due time, sequence number), the
// same order a single heap gives, so where an event waits changes no run.
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
    if (due_us <= clock_us_ && now_lane_.accepts(due_us)) {
      now_lane_.push(Entry{due_us, seq, payload});
      return seq;
    }
    heap_.push_back(Entry{due_us, seq, payload});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
    return seq;
  }

  // As push, for an event whose due time is no earlier than that of any event
  // still in the delay lane: a fixed delay from a clock that never goes back.
  // One that is earlier (a delay that changed) goes by push: still in order.
  uint64_t push_in_order(TimeUs due_us, Payload payload) {
    if (!delay_lane_.accepts(due_us)) return push(due_us, payload);
    const uint64_t seq = next_seq_++;
    delay_lane_.push(Entry{due_us, seq, payload});
    return seq;
  }

  // A place in the agenda's order, (due_us, the next sequence number), taken
  // now for an event that may never be scheduled: push_reserved schedules it
  // there later, and passed() says whether pop() has already gone beyond it.
  // The network uses it to leave out events that would do nothing
  // (Network::settle_idle_dequeue) without changing any other event's place.
  uint64_t reserve_seq() { return next_seq_++; }
  void push_reserved(TimeUs due_us, uint64_t seq, Payload payload) {
    heap_.push_back(Entry{due_us, seq, payload});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  // Whether the event last popped comes after (due_us, seq).
  bool passed(TimeUs due_us, uint64_t seq) const {
    return popped_ && Later{}(Entry{popped_due_us_, popped_seq_, {}}, Entry{due_us, seq, {}});
  }

  bool empty() const { return heap_.empty() && delay_lane_.empty() && now_lane_.empty(); }
  size_t size() const { return heap_.size() + delay_lane_.size() + now_lane_.size(); }
  std::optional<TimeUs> next_due_us() const {
    if (empty()) return std::nullopt;
    const Lane* lane = earliest_lane();
    return lane != nullptr ? lane->front().due_us : heap_.front().due_us;
  }

  // Removes and returns the earliest event. Pre: !empty().
  std::pair<TimeUs, Payload> pop() {
    std::pair<TimeUs, Payload> next;
    if (Lane* lane = earliest_lane(); lane != nullptr) {
      const Entry& head = lane->front();
      next = {head.due_us, head.payload};
      popped_seq_ = head.seq;
      lane->drop_front();
    } else {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      next = {heap_.back().due_us, heap_.back().payload};
      popped_seq_ = heap_.back().seq;
      heap_.pop_back();
    }
    popped_ = true;
    popped_due_us_ = next.first;
    clock_us_ = std::max(clock_us_, next.first);
    return next;
  }

 private:
  // A cache line each: a sift moves whole lines, and the lanes' and the
  // heap's sizes are counts of a power-of-two size.
  struct alignas(64) Entry {
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

  // A FIFO of entries sorted by (due, seq), in a ring whose size is a power
  // of two: its storage is the lane's peak (rounded up), and an entry is
  // written once. The vector with a consumed prefix it replaces grew to
  // about twice the peak, moved its tail back each time the prefix was half
  // of it, and on seed 001's command faulted in 438 pages of the run's ~1000.
  class Lane {
   public:
    bool empty() const { return size_ == 0; }
    size_t size() const { return size_; }
    const Entry& front() const { return ring_[head_]; }
    // Whether an entry due at `due_us` (with a sequence number above all
    // here) keeps the lane sorted.
    bool accepts(TimeUs due_us) const { return empty() || back().due_us <= due_us; }
    void push(const Entry& entry) {
      if (size_ == ring_.size()) grow();
      ring_[(head_ + size_) & (ring_.size() - 1)] = entry;
      ++size_;
    }
    void drop_front() {
      head_ = (head_ + 1) & (ring_.size() - 1);
      --size_;
    }

   private:
    static constexpr size_t kFirstCapacity = 64;
    const Entry& back() const { return ring_[(head_ + size_ - 1) & (ring_.size() - 1)]; }
    // Doubles the ring, its entries in order from index 0.
    void grow() {
      std::vector<Entry> bigger(std::max(kFirstCapacity, 2 * ring_.size()));
      for (size_t i = 0; i < size_; ++i) bigger[i] = ring_[(head_ + i) & (ring_.size() - 1)];
      ring_ = std::move(bigger);
      head_ = 0;
    }

    std::vector<Entry> ring_;
    size_t head_ = 0;
    size_t size_ = 0;
  };

  // The lane whose head comes before the heap's top and the other lane's, or
  // null when the heap's top is earliest. Pre: !empty().
  const Lane* earliest_lane() const {
    const Entry* best = heap_.empty() ? nullptr : &heap_.front();
    const Lane* from = nullptr;
    for (const Lane* lane : {&delay_lane_, &now_lane_}) {
      if (!lane->empty() && (best == nullptr || Later{}(*best, lane->front()))) {
        best = &lane->front();
        from = lane;
      }
    }
    return from;
  }
  Lane* earliest_lane() { return const_cast<Lane*>(std::as_const(*this).earliest_lane()); }

  std::vector<Entry> heap_;
  Lane delay_lane_;
  Lane now_lane_;
  TimeUs clock_us_ = 0;  // the latest due time popped: "now" for the now lane
  uint64_t next_seq_ = 0;
  // The last event popped, for passed().
  bool popped_ = false;
  TimeUs popped_due_us_ = 0;
  uint64_t popped_seq_ = 0;
};

}  // namespace eddy::sim
