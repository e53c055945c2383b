// ClientTimeouts (sim/client_timeouts.h) against the agenda with every
// timeout on it. A small driver plays a workload: workers send calls, each
// answered after a drawn latency or timed out after a fixed delay, a worker
// sending its next call at once or after a pause. It runs twice from the
// same seed, once leaving answered calls' timeouts out, once keeping them;
// each draw follows from the events before it, so the two runs draw alike
// only while their events agree. Both must see the same events that do
// something (answers and live timeouts, at the same times), the same event
// count, elided events included, and, once the workers stop and the agenda
// drains, the same end time. A run may also stop eliding midway
// (ClientTimeouts::stop_eliding), as a simulation does when Raft appears.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "core/random.h"
#include "sim/client_timeouts.h"

namespace eddy::sim {
namespace {

struct Shape {
  int workers;
  TimeUs delay_us;
  TimeUs max_latency_us;  // an answer takes [1, max_latency_us], but see send
  TimeUs send_until_us;   // no call is sent after this
  uint64_t seed;
  std::optional<int64_t> stop_eliding_at;  // the popped event's number
};

// One thing that happened: (time, what, worker, call serial).
using Happening = std::tuple<TimeUs, char, int, uint64_t>;

struct DriverRun {
  std::vector<Happening> happenings;
  int64_t events = 0;  // popped and left out
  int64_t timeouts_popped = 0;
  TimeUs end_us = 0;
};

DriverRun drive(const Shape& shape, bool elide) {
  Agenda agenda;
  ClientTimeouts timeouts(agenda);
  if (elide) timeouts.elide();
  core::Rng rng(shape.seed);
  std::vector<uint64_t> live(static_cast<size_t>(shape.workers), 0);  // 0: none
  uint64_t next_serial = 1;
  TimeUs now_us = 0;
  DriverRun run;
  // DeliverEvent: an answer to the call `message_id` of worker `endpoint`;
  // WorkerEvent: the worker sends its next call.
  const auto send = [&](int worker) {
    if (now_us > shape.send_until_us) return;
    const uint64_t serial = next_serial++;
    live[static_cast<size_t>(worker)] = serial;
    timeouts.arm(now_us, shape.delay_us, worker, serial);
    // One answer in 16 is slow: as late as the timeout, or up to twice it.
    const TimeUs latency_us =
        1 +
        static_cast<TimeUs>(rng.below(16) == 0
                                ? shape.delay_us + rng.below(static_cast<uint64_t>(shape.delay_us))
                                : rng.below(static_cast<uint64_t>(shape.max_latency_us)));
    agenda.push(now_us + latency_us,
                DeliverEvent{static_cast<EndpointId>(worker), 0, static_cast<int64_t>(serial)});
  };
  const auto next_call = [&](int worker) {
    if (rng.below(3) == 0) {
      agenda.push(
          now_us + 1 + static_cast<TimeUs>(rng.below(static_cast<uint64_t>(shape.delay_us))),
          WorkerEvent{worker});
    } else {
      send(worker);
    }
  };
  for (int worker = 0; worker < shape.workers; ++worker) send(worker);
  int64_t popped = 0;
  while (!agenda.empty()) {
    auto [due_us, event] = agenda.pop();
    now_us = std::max(now_us, due_us);
    ++run.events;
    if (const auto* timeout = std::get_if<ClientTimeoutEvent>(&event)) {
      ++run.timeouts_popped;
      uint64_t& call = live[static_cast<size_t>(timeout->worker)];
      if (call != 0 && call == timeout->call_serial) {
        run.happenings.emplace_back(now_us, 't', timeout->worker, call);
        call = 0;
        next_call(timeout->worker);
      }
      timeouts.ran(timeout->worker, live[static_cast<size_t>(timeout->worker)]);
    } else if (const auto* answer = std::get_if<DeliverEvent>(&event)) {
      const auto worker = static_cast<int>(answer->endpoint);
      uint64_t& call = live[answer->endpoint];
      if (call != 0 && call == static_cast<uint64_t>(answer->message_id)) {
        run.happenings.emplace_back(now_us, 'a', worker, call);
        call = 0;
        next_call(worker);
      }
    } else {
      send(std::get<WorkerEvent>(event).worker);
    }
    if (shape.stop_eliding_at == ++popped && timeouts.eliding()) {
      run.events += timeouts.stop_eliding();
    }
  }
  run.events += timeouts.elided_events(/*drained=*/true);
  run.end_us = std::max(now_us, timeouts.latest_unpassed_due_us().value_or(now_us));
  return run;
}

Shape draw_shape() {
  Shape shape;
  shape.workers = *rc::gen::inRange(1, 7);
  shape.delay_us = *rc::gen::inRange<TimeUs>(1, 200);
  shape.max_latency_us = *rc::gen::inRange<TimeUs>(1, 400);
  shape.send_until_us = *rc::gen::inRange<TimeUs>(0, 3000);
  shape.seed = *rc::gen::arbitrary<uint64_t>();
  if (*rc::gen::arbitrary<bool>()) shape.stop_eliding_at = *rc::gen::inRange<int64_t>(1, 400);
  return shape;
}

RC_GTEST_PROP(ClientTimeouts, Eliding_ChangesNothingButTheEventsPopped, ()) {
  const Shape shape = draw_shape();
  const DriverRun kept = drive(shape, false);
  const DriverRun elided = drive(shape, true);
  RC_ASSERT(elided.happenings == kept.happenings);
  RC_ASSERT(elided.events == kept.events);
  RC_ASSERT(elided.end_us == kept.end_us);
  RC_ASSERT(elided.timeouts_popped <= kept.timeouts_popped);
}

// The two runs of `shape`, which must agree in all but the events popped.
std::pair<DriverRun, DriverRun> kept_and_elided(const Shape& shape) {
  DriverRun kept = drive(shape, false);
  DriverRun elided = drive(shape, true);
  EXPECT_EQ(elided.happenings, kept.happenings);
  EXPECT_EQ(elided.events, kept.events);
  EXPECT_EQ(elided.end_us, kept.end_us);
  return {std::move(kept), std::move(elided)};
}

TEST(ClientTimeouts, MostAnsweredCallsTimeoutsAreLeftOut) {
  // Answers mostly well inside the timeout.
  const Shape shape{.workers = 4,
                    .delay_us = 100,
                    .max_latency_us = 20,
                    .send_until_us = 40'000,
                    .seed = 11,
                    .stop_eliding_at = std::nullopt};
  const auto [kept, elided] = kept_and_elided(shape);
  int64_t live_timeouts = 0;
  for (const Happening& happening : kept.happenings) live_timeouts += std::get<1>(happening) == 't';
  EXPECT_GT(live_timeouts, 50);
  EXPECT_GT(kept.timeouts_popped, 1500);
  // Left out: the timeouts of calls answered before the armed one ran.
  EXPECT_LT(elided.timeouts_popped, kept.timeouts_popped / 2);
}

TEST(ClientTimeouts, StoppingMidwayPutsTheRestOnTheAgenda) {
  const Shape shape{.workers = 3,
                    .delay_us = 150,
                    .max_latency_us = 100,
                    .send_until_us = 20'000,
                    .seed = 5,
                    .stop_eliding_at = 500};
  const auto [kept, elided] = kept_and_elided(shape);
  // Some were left out before the stop, and the rest ran after it.
  EXPECT_LT(elided.timeouts_popped, kept.timeouts_popped);
  EXPECT_GT(elided.timeouts_popped, kept.timeouts_popped / 2);
}

}  // namespace
}  // namespace eddy::sim
