#include "sim/client_timeouts.h"

#include <algorithm>

namespace eddy::sim {

void ClientTimeouts::arm(TimeUs now_us, TimeUs delay_us, int worker, uint64_t call_serial) {
  if (!eliding_) {
    agenda_.push_in_order(now_us + delay_us, ClientTimeoutEvent{worker, call_serial});
    return;
  }
  count_passed();
  const auto index = static_cast<size_t>(worker);
  if (workers_.size() <= index) workers_.resize(index + 1);
  WorkerTimeouts& timeouts = workers_[index];
  const Reserved call{{now_us + delay_us, agenda_.reserve_seq(), worker}, call_serial};
  if (!timeouts.armed) {
    agenda_.push_reserved(call.place.due_us, call.place.seq,
                          ClientTimeoutEvent{worker, call_serial});
    timeouts.armed = true;
    return;
  }
  // A worker sends a call only once its previous one is done with, so the
  // call kept aside until now was answered (or timed out, by the armed event).
  if (timeouts.latest) leave_out(timeouts.latest->place);
  timeouts.latest = call;
}

void ClientTimeouts::ran(int worker, uint64_t live_serial) {
  if (!eliding_) return;
  WorkerTimeouts& timeouts = workers_[static_cast<size_t>(worker)];
  // The event that ran was the armed one, the worker's only one on the
  // agenda. A call the workload sent while handling it went to `latest`.
  timeouts.armed = false;
  if (!timeouts.latest) return;
  const Reserved call = *timeouts.latest;
  timeouts.latest.reset();
  if (call.call_serial != live_serial) {
    leave_out(call.place);
    return;
  }
  // Still unanswered: on the agenda at its place, which lies ahead (it
  // comes after the event that just ran).
  agenda_.push_reserved(call.place.due_us, call.place.seq,
                        ClientTimeoutEvent{worker, call.call_serial});
  timeouts.armed = true;
}

void ClientTimeouts::count_passed() {
  while (!left_out_.empty() && passed(left_out_.front())) {
    ++passed_count_;
    left_out_.pop_front();
  }
}

int64_t ClientTimeouts::stop_eliding() {
  // A worker's latest call lies ahead of its armed event, so it has not been
  // passed; it may be live.
  for (WorkerTimeouts& timeouts : workers_) {
    if (!timeouts.latest) continue;
    const Reserved& call = *timeouts.latest;
    agenda_.push_reserved(call.place.due_us, call.place.seq,
                          ClientTimeoutEvent{call.place.worker, call.call_serial});
    timeouts.latest.reset();
  }
  int64_t passed_count = passed_count_;
  for (const Place& place : left_out_) {
    if (passed(place)) {
      ++passed_count;
    } else {
      // An answered call's timeout, which its workload will find stale as
      // before: serial 0 is no call's (serials start at 1).
      agenda_.push_reserved(place.due_us, place.seq, ClientTimeoutEvent{place.worker, 0});
    }
  }
  left_out_.clear();
  passed_count_ = 0;
  eliding_ = false;
  return passed_count;
}

int64_t ClientTimeouts::elided_events(bool drained) const {
  int64_t count = passed_count_;
  for (const Place& place : left_out_) {
    if (drained || passed(place)) ++count;
  }
  for (const WorkerTimeouts& timeouts : workers_) {
    if (timeouts.latest && (drained || passed(timeouts.latest->place))) ++count;
  }
  return count;
}

std::optional<TimeUs> ClientTimeouts::latest_unpassed_due_us() const {
  std::optional<TimeUs> latest;
  const auto consider = [&](const Place& place) {
    if (!passed(place)) latest = std::max(latest.value_or(place.due_us), place.due_us);
  };
  for (const Place& place : left_out_) consider(place);
  for (const WorkerTimeouts& timeouts : workers_) {
    if (timeouts.latest) consider(timeouts.latest->place);
  }
  return latest;
}

}  // namespace eddy::sim
