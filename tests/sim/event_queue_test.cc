// The simulator's agenda (sim/event_queue.h) against a reference model: a
// list kept sorted by (due time, sequence number), the order the heap and its
// two FIFO lanes together must give. rapidcheck draws interleavings of push
// (due now, which the now lane takes, in the past, or ahead, for the heap),
// push_in_order (due times mostly non-decreasing, sometimes earlier than the
// delay lane's back, which must fall back) and pop; every pop must return the
// model's first event, and size, empty and next_due_us must agree
// throughout. A plain test drives the lane past the point where it reclaims
// its consumed prefix, which a short random run rarely reaches.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/event_queue.h"

namespace eddy::sim {
namespace {

struct Payload {
  int64_t id;
};

struct Modelled {
  TimeUs due_us;
  uint64_t seq;
  int64_t id;
};

enum class Action { kPush, kPushInOrder, kPop };

struct Step {
  Action action;
  TimeUs delta_us;  // push: due = now + delta; in order: due = lane back + delta
};

Step draw_step() {
  const auto action = *rc::gen::weightedElement<Action>(
      {{3, Action::kPush}, {4, Action::kPushInOrder}, {3, Action::kPop}});
  // Small deltas make ties (equal due times) common; negative ones make an
  // in-order push earlier than the lane's back.
  return Step{action, *rc::gen::inRange<TimeUs>(-3, 8)};
}

RC_GTEST_PROP(EventQueue, PopsInDueThenScheduleOrder, ()) {
  const auto count = *rc::gen::inRange<size_t>(0, 2000);
  EventQueue<Payload> queue;
  std::vector<Modelled> model;  // unsorted; the minimum is found on pop
  TimeUs now_us = 0;
  TimeUs lane_back_us = 0;
  int64_t next_id = 0;
  for (size_t i = 0; i < count; ++i) {
    const Step step = draw_step();
    switch (step.action) {
      case Action::kPush: {
        // Due now (the now lane's) about half the time; a little in the
        // past, which the simulator never asks for, is still ordered.
        const TimeUs due = now_us + (step.delta_us <= 0 ? step.delta_us / 2 : step.delta_us);
        const uint64_t seq = queue.push(due, Payload{next_id});
        model.push_back({due, seq, next_id++});
        break;
      }
      case Action::kPushInOrder: {
        const TimeUs due = std::max(now_us, lane_back_us + step.delta_us);
        const uint64_t seq = queue.push_in_order(due, Payload{next_id});
        model.push_back({due, seq, next_id++});
        lane_back_us = std::max(lane_back_us, due);
        break;
      }
      case Action::kPop: {
        if (model.empty()) {
          RC_ASSERT(queue.empty());
          RC_ASSERT(!queue.next_due_us().has_value());
          break;
        }
        const auto first =
            std::min_element(model.begin(), model.end(), [](const Modelled& a, const Modelled& b) {
              return a.due_us != b.due_us ? a.due_us < b.due_us : a.seq < b.seq;
            });
        RC_ASSERT(queue.next_due_us() == first->due_us);
        const auto [due, payload] = queue.pop();
        RC_ASSERT(due == first->due_us);
        RC_ASSERT(payload.id == first->id);
        now_us = std::max(now_us, due);  // the clock never goes back
        model.erase(first);
        break;
      }
    }
    RC_ASSERT(queue.size() == model.size());
    RC_ASSERT(queue.empty() == model.empty());
  }
}

TEST(EventQueue, LaneAndHeapInterleaveBySequenceOnEqualDueTimes) {
  EventQueue<Payload> queue;
  queue.push_in_order(10, Payload{0});
  queue.push(10, Payload{1});
  queue.push_in_order(10, Payload{2});
  queue.push(5, Payload{3});
  queue.push_in_order(7, Payload{4});  // earlier than the lane's back: to the heap
  std::vector<int64_t> order;
  while (!queue.empty()) order.push_back(queue.pop().second.id);
  EXPECT_EQ(order, (std::vector<int64_t>{3, 4, 0, 1, 2}));
}

TEST(EventQueue, NowLaneTakesEventsDueAtThePoppedTimeInScheduleOrder) {
  EventQueue<Payload> queue;
  queue.push(10, Payload{0});
  queue.push(20, Payload{1});
  EXPECT_EQ(queue.pop().second.id, 0);  // the clock is now 10
  queue.push(10, Payload{2});           // due now: the now lane
  queue.push_in_order(10, Payload{3});  // the delay lane
  queue.push(10, Payload{4});           // the now lane, behind 2
  queue.push(9, Payload{5});            // earlier than the now lane's back: the heap
  queue.push(12, Payload{6});           // ahead: the heap
  std::vector<int64_t> order;
  while (!queue.empty()) order.push_back(queue.pop().second.id);
  EXPECT_EQ(order, (std::vector<int64_t>{5, 2, 3, 4, 6, 1}));
}

TEST(EventQueue, LaneWrapsAroundItsRingAndGrowsKeepingOrder) {
  // Timeouts 5,000 us ahead of a clock stepping 1 us per call, each call also
  // scheduling a delivery on the heap: the lane's ring doubles up to 8,192
  // entries, then its head wraps around it about twice with 5,000 waiting.
  // (Growth past a wrapped head is PopsInDueThenScheduleOrder's to find.)
  EventQueue<Payload> queue;
  std::vector<int64_t> popped;
  int64_t next_id = 0;
  TimeUs now_us = 0;
  for (int call = 0; call < 20000; ++call) {
    queue.push_in_order(now_us + 5000, Payload{next_id++});
    queue.push(now_us + 3, Payload{next_id++});
    while (!queue.empty() && *queue.next_due_us() <= now_us) {
      popped.push_back(queue.pop().second.id);
    }
    ++now_us;
  }
  while (!queue.empty()) popped.push_back(queue.pop().second.id);
  // Expected: every event in (due, scheduling) order. Call c scheduled ids
  // 2c (due c + 5000) and 2c + 1 (due c + 3).
  std::vector<std::pair<TimeUs, int64_t>> expected;
  for (int64_t c = 0; c < 20000; ++c) {
    expected.emplace_back(c + 5000, 2 * c);
    expected.emplace_back(c + 3, 2 * c + 1);
  }
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  ASSERT_EQ(popped.size(), expected.size());
  for (size_t i = 0; i < popped.size(); ++i) {
    ASSERT_EQ(popped[i], expected[i].second) << "at " << i;
  }
}

}  // namespace
}  // namespace eddy::sim
