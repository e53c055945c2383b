#include "sim/network.h"

#include <cassert>
#include <cmath>
#include <memory>
#include <utility>

#include "core/invariant.h"

namespace eddy::sim {

Network::Network(const SimOptions& options, core::Rng rng, Agenda& agenda)
    : options_(options), rng_(rng), agenda_(agenda) {}

EndpointId Network::add_endpoint(const std::string& name, EndpointKind kind) {
  EDDY_INVARIANT(!by_name_.contains(name), "endpoint '" + name + "' added twice");
  const auto id = static_cast<EndpointId>(endpoints_.size());
  endpoints_.push_back(Endpoint{name, kind, false, false, false, false, 0, {}, {}, {}});
  by_name_.emplace(name, id);
  return id;
}

void Network::settle_reserved(Endpoint& e, EndpointId endpoint) {
  const Endpoint::Reserved reserved = *e.idle_dequeue;
  e.idle_dequeue.reset();
  if (agenda_.passed(reserved.due_us, reserved.seq)) {
    // It ran, in effect, and found the queue empty: nothing has been queued
    // since, or this would have been settled then.
    e.busy = false;
    ++elided_events_;
  } else {
    agenda_.push_reserved(reserved.due_us, reserved.seq, DequeueEvent{endpoint});
  }
}

int64_t Network::stop_eliding() {
  for (EndpointId endpoint = 0; endpoint < endpoints_.size(); ++endpoint) {
    settle_idle_dequeue(endpoint);
  }
  elide_idle_dequeues_ = false;
  return std::exchange(elided_events_, 0);
}

int64_t Network::elided_events(bool drained) const {
  int64_t count = elided_events_;
  for (const Endpoint& e : endpoints_) {
    if (e.idle_dequeue && (drained || agenda_.passed(e.idle_dequeue->due_us, e.idle_dequeue->seq)))
      ++count;
  }
  return count;
}

void Network::close_endpoint(EndpointId endpoint) {
  Endpoint& e = settle_idle_dequeue(endpoint);
  e.closed = true;
  while (!e.queue.empty()) {
    count_drop(true);
    discard(e.queue.top().slot);
    e.queue.pop();
  }
}

uint32_t Network::admit(core::Message&& message, EndpointId src) {
  if (free_slots_.empty()) {
    pool_.emplace_back(std::move(message), src);
    return static_cast<uint32_t>(pool_.size() - 1);
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  // Built afresh in the slot rather than assigned over the message it held
  // (delivered, and moved from): a move-assignment's checks of what the
  // target holds cost more than ending it and moving into the room.
  InFlight& room = pool_[slot];
  std::destroy_at(&room.message);
  std::construct_at(&room.message, std::move(message));
  room.src = src;
  return slot;
}

std::optional<EndpointId> Network::find(const std::string& name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

TimeUs Network::latency_us() {
  // maelstrom net.clj latency-dist: whole milliseconds.
  const int64_t mean_ms = options_.latency_ms;
  if (mean_ms <= 0) return 0;
  int64_t ms = mean_ms;
  switch (options_.latency_dist) {
    case LatencyDist::kConstant:
      break;
    case LatencyDist::kUniform:
      ms = static_cast<int64_t>(rng_.below(static_cast<uint64_t>(2 * mean_ms)));
      break;
    case LatencyDist::kExponential: {
      // Inverse transform; 1 - unit() is in (0, 1], so the log is finite.
      const double x = -static_cast<double>(mean_ms) * std::log(1.0 - rng_.unit());
      ms = static_cast<int64_t>(std::min(x, 3'600'000.0));
      break;
    }
  }
  return ms * 1000;
}

void Network::count_drop(bool client_traffic) {
  ++stats_.all.dropped;
  ++counts_for(client_traffic).dropped;
}

void Network::count_crash_drop(bool client_traffic) {
  ++stats_.to_crashed_node;
  count_drop(client_traffic);
}

void Network::journal_receive(int64_t id, TimeUs now_us) {
  if (!options_.journal) return;
  JournalEntry& entry = journal_[static_cast<size_t>(id)];
  if (entry.received_us < 0) entry.received_us = now_us;
}

void Network::send(TimeUs now_us, core::Message&& message) {
  // Maelstrom validates both ends (net.clj validate-msg); a node that names an
  // unknown endpoint has a bug, and the message goes nowhere.
  const auto src = find(message.src);
  if (!src) {
    ++stats_.all.dropped;
    return;
  }
  send(now_us, std::move(message), *src, find(message.dest));
}

void Network::send(TimeUs now_us, core::Message&& message, EndpointId src,
                   std::optional<EndpointId> dest) {
  assert(find(message.src) == src && "the sender's endpoint is the one its message names");
  assert((!dest || find(message.dest) == dest) && "the destination is the one the message names");
  if (!dest) dest = find(message.dest);
  if (!dest) {  // an unknown destination: as an unknown source, above
    ++stats_.all.dropped;
    return;
  }
  const bool client_traffic = endpoints_[src].kind == EndpointKind::kClient ||
                              endpoints_[*dest].kind == EndpointKind::kClient;
  const int64_t id = next_message_id_++;
  ++stats_.all.sent;
  ++counts_for(client_traffic).sent;
  if (options_.journal) journal_.push_back(JournalEntry{id, now_us, -1, message});

  if (endpoints_[*dest].closed) {
    // maelstrom process.clj: a reply to a client that is gone is discarded.
    ++stats_.to_closed_client;
    count_drop(client_traffic);
    return;
  }
  if (endpoints_[*dest].down) {
    count_crash_drop(client_traffic);
    return;
  }
  if (client_traffic) {
    enqueue(now_us, *dest, now_us, id, admit(std::move(message), src));
    return;
  }
  if (options_.loss_p > 0 && rng_.chance(options_.loss_p)) {
    count_drop(false);
    return;
  }
  const bool duplicate = options_.duplicate_p > 0 && rng_.chance(options_.duplicate_p);
  const auto deadline = [&] {
    TimeUs latency = latency_us();
    if (options_.spike_p > 0 && rng_.chance(options_.spike_p)) latency += options_.spike_ms * 1000;
    return now_us + latency;
  };
  if (duplicate) {
    ++stats_.duplicated;
    enqueue(now_us, *dest, deadline(), id, admit(core::Message(message), src));
  }
  enqueue(now_us, *dest, deadline(), id, admit(std::move(message), src));
}

void Network::enqueue(TimeUs now_us, EndpointId dest, TimeUs deadline_us, int64_t id,
                      uint32_t slot) {
  if (options_.delivery == DeliveryModel::kIdeal) {
    agenda_.push(deadline_us, DeliverEvent{dest, slot, id});
    return;
  }
  Endpoint& e = settle_idle_dequeue(dest);
  e.queue.push(Queued{deadline_us, next_seq_++, id, slot});
  if (!e.busy && !e.paused) {
    // The loop is idle and wakes at once (a blocking poll returning).
    e.busy = true;
    agenda_.push(now_us, DequeueEvent{dest});
  }
}

void Network::on_dequeue(TimeUs now_us, EndpointId endpoint) {
  Endpoint& e = settle_idle_dequeue(endpoint);
  if (e.paused || e.closed || e.down) {
    e.busy = false;
    return;
  }
  while (!e.queue.empty()) {
    const Queued next = e.queue.top();
    e.queue.pop();
    if (e.grudges.contains(pool_[next.slot].src)) {
      count_drop(false);  // partitions only ever cut server traffic
      discard(next.slot);
      continue;  // net.clj recv! returns nil and the loop polls again
    }
    // Stay busy: the loop sleeps until the deadline, then delivers.
    agenda_.push(std::max(now_us, next.deadline_us),
                 DeliverEvent{endpoint, next.slot, next.message_id});
    return;
  }
  e.busy = false;
}

core::Message* Network::on_deliver(TimeUs now_us, DeliverEvent& event) {
  Endpoint& e = settle_idle_dequeue(event.endpoint);
  const EndpointId src = pool_[event.slot].src;
  const bool client_traffic =
      e.kind == EndpointKind::kClient || endpoints_[src].kind == EndpointKind::kClient;
  const bool maelstrom = options_.delivery == DeliveryModel::kMaelstrom;
  if (e.down || event.message_id < e.lost_below_id) {
    // Lost with a crash. The loop stopped waiting for it at the crash
    // (kMaelstrom), so its state is not touched.
    count_crash_drop(client_traffic);
    discard(event.slot);
    return nullptr;
  }
  if (e.closed) {
    ++stats_.to_closed_client;
    count_drop(client_traffic);
    discard(event.slot);
    if (maelstrom) e.busy = false;
    return nullptr;
  }
  if (e.paused) {
    // A paused process reads nothing: keep the message for when it resumes.
    e.queue.push(Queued{now_us, next_seq_++, event.message_id, event.slot});
    if (maelstrom) e.busy = false;
    return nullptr;
  }
  if (maelstrom) {
    // The loop is free again once it has handed this message over; with
    // nothing queued, its wake-up would only find that out.
    if (elide_idle_dequeues_ && e.queue.empty()) {
      e.idle_dequeue = Endpoint::Reserved{now_us, agenda_.reserve_seq()};
    } else {
      agenda_.push(now_us, DequeueEvent{event.endpoint});
    }
  } else if (e.grudges.contains(src)) {
    count_drop(client_traffic);
    discard(event.slot);
    return nullptr;
  }
  ++stats_.all.received;
  ++counts_for(client_traffic).received;
  journal_receive(event.message_id, now_us);
  return &pool_[event.slot].message;
}

void Network::drop(EndpointId dest, EndpointId src) { endpoints_[dest].grudges.insert(src); }

void Network::heal() {
  for (Endpoint& e : endpoints_) e.grudges.clear();
}

bool Network::partitioned(EndpointId dest, EndpointId src) const {
  return endpoints_[dest].grudges.contains(src);
}

size_t Network::grudge_count() const {
  size_t count = 0;
  for (const Endpoint& e : endpoints_) count += e.grudges.size();
  return count;
}

void Network::crash(EndpointId endpoint) {
  Endpoint& e = settle_idle_dequeue(endpoint);
  e.down = true;
  e.lost_below_id = next_message_id_;
  e.busy = false;  // a DeliverEvent it waited for is lost (on_deliver)
  while (!e.queue.empty()) {
    count_crash_drop(from_client(e.queue.top().slot));
    discard(e.queue.top().slot);
    e.queue.pop();
  }
}

void Network::restart(EndpointId endpoint) { settle_idle_dequeue(endpoint).down = false; }

void Network::pause(EndpointId endpoint) { settle_idle_dequeue(endpoint).paused = true; }

void Network::resume(TimeUs now_us, EndpointId endpoint) {
  Endpoint& e = settle_idle_dequeue(endpoint);
  if (!e.paused) return;
  e.paused = false;
  if (options_.delivery == DeliveryModel::kIdeal) {
    while (!e.queue.empty()) {
      const Queued next = e.queue.top();
      e.queue.pop();
      agenda_.push(now_us, DeliverEvent{endpoint, next.slot, next.message_id});
    }
    return;
  }
  if (!e.busy) {
    e.busy = true;
    agenda_.push(now_us, DequeueEvent{endpoint});
  }
}

}  // namespace eddy::sim
