// ClientTimeouts: when a workload's calls time out, with the timeouts of
// calls already answered left off the agenda.
//
// Every call a client sends times out a fixed delay later unless answered
// first (ClientTimeoutEvent). Nearly every call is answered, so nearly every
// timeout event would only take its turn and find its call gone: at 1000
// calls/s and a 5 s timeout, 5,000 such events wait at any moment in 64-byte
// agenda entries, and 24,000 of the 140,000 events seed 001's command pops.
// Left out, they cost that command's run 2.0M fewer instructions (of 163M)
// and its thread about 100 fewer page faults (of 840).
//
// While eliding, at most one timeout per worker is on the agenda (`armed`).
// A worker's next call is reserved its place in the agenda's order,
// (due time, sequence number), as EventQueue::reserve_seq gives, when it
// is sent, and kept aside (`latest`). When the armed event runs, the latest
// call takes its place on the agenda, at its reserved place, if it is still
// unanswered; if it was answered, it is left out. Since each event keeps
// the place it would have had, every other event runs in the same order
// and at the same time as with every timeout scheduled, and the same holds
// for what a live timeout does. A timeout left out counts as an event once
// the agenda has passed its place (elided_events), so the run's event count
// is the same too. tests/sim/client_timeouts_test.cc holds it against the
// agenda with every timeout kept; tests/sim/elided_events_test.cc compares
// whole runs with and without eliding.
//
// Raft's invariant checks are spaced by the event count, so, as the
// network's idle wake-ups, the leaving out stops when a node first shows
// Raft state (stop_eliding): every timeout left out and not yet passed is
// put on the agenda at its reserved place, and the count is made whole.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "sim/event_queue.h"
#include "sim/sim_event.h"

namespace eddy::sim {

class ClientTimeouts {
 public:
  explicit ClientTimeouts(Agenda& agenda) : agenda_(agenda) {}

  // From here on, timeouts of answered calls are left off the agenda.
  void elide() { eliding_ = true; }
  bool eliding() const { return eliding_; }

  // `worker` sent the call `call_serial` at `now_us`: it times out at
  // now_us + delay_us (the same delay for every call of a worker).
  void arm(TimeUs now_us, TimeUs delay_us, int worker, uint64_t call_serial);

  // The agenda ran `worker`'s timeout event and the workload has handled
  // it. `live_serial`: the worker's call in flight now, 0 if none.
  void ran(int worker, uint64_t live_serial);

  // Puts every timeout left out and not yet passed on the agenda at its
  // place, and leaves none out from here on. Returns how many the agenda
  // had passed: events the run's count is missing.
  int64_t stop_eliding();

  // The timeouts left out that the agenda has passed, or all of them once
  // it is `drained` (they would all have run).
  int64_t elided_events(bool drained) const;
  // The latest due time among the timeouts left out and not yet passed: the
  // clock's end had they run on a drained agenda.
  std::optional<TimeUs> latest_unpassed_due_us() const;

 private:
  // A timeout's place in the agenda's order, and its worker's index.
  struct Place {
    TimeUs due_us;
    uint64_t seq;
    int worker;
  };
  struct Reserved {
    Place place;
    uint64_t call_serial;
  };
  struct WorkerTimeouts {
    bool armed = false;              // its timeout event is on the agenda
    std::optional<Reserved> latest;  // its last call, when sent while armed
  };

  bool passed(const Place& place) const { return agenda_.passed(place.due_us, place.seq); }
  void leave_out(const Place& place) { left_out_.push_back(place); }
  // Counts the left-out timeouts at the front that the agenda has passed,
  // keeping the list as long as the timeouts of one delay.
  void count_passed();

  Agenda& agenda_;
  bool eliding_ = false;
  std::vector<WorkerTimeouts> workers_;
  std::deque<Place> left_out_;  // not yet counted, in the order left out
  int64_t passed_count_ = 0;    // left out and counted
};

}  // namespace eddy::sim
