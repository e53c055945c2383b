// EventQueue: the simulator's agenda. Events are ordered by (due time,
// sequence number): two events due at the same microsecond run in the order
// they were scheduled, never by pointer or hash, so a seed replays exactly.
//
// Payloads (a message in flight is a few hundred bytes) stay put in a slab;
// the heap orders 24-byte keys that point into it, so sifting moves no
// payload.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <utility>
#include <vector>

namespace eddy::sim {

// Virtual time in microseconds since the start of a run. Nodes see
// milliseconds (now_us / 1000); the finer unit lets rates above 1000 ops/s
// space their operations exactly.
using TimeUs = int64_t;

template <class Payload>
class EventQueue {
 public:
  // Schedules `payload` at `due_us`; returns its sequence number.
  uint64_t push(TimeUs due_us, Payload payload) {
    uint32_t slot;
    if (free_slots_.empty()) {
      slot = static_cast<uint32_t>(slab_.size());
      slab_.emplace_back(std::move(payload));
    } else {
      slot = free_slots_.back();
      free_slots_.pop_back();
      slab_[slot].emplace(std::move(payload));
    }
    const uint64_t seq = next_seq_++;
    heap_.push(Key{due_us, seq, slot});
    return seq;
  }

  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  std::optional<TimeUs> next_due_us() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.top().due_us;
  }

  // Removes and returns the earliest event. Pre: !empty().
  std::pair<TimeUs, Payload> pop() {
    const Key top = heap_.top();
    heap_.pop();
    std::pair<TimeUs, Payload> event{top.due_us, std::move(*slab_[top.slot])};
    slab_[top.slot].reset();
    free_slots_.push_back(top.slot);
    return event;
  }

 private:
  struct Key {
    TimeUs due_us;
    uint64_t seq;
    uint32_t slot;
  };
  struct Later {
    bool operator()(const Key& a, const Key& b) const {
      return a.due_us != b.due_us ? a.due_us > b.due_us : a.seq > b.seq;
    }
  };

  std::priority_queue<Key, std::vector<Key>, Later> heap_;
  std::vector<std::optional<Payload>> slab_;
  std::vector<uint32_t> free_slots_;
  uint64_t next_seq_ = 0;
};

}  // namespace eddy::sim
