// Workload: the clients of one Maelstrom workload (kafka, lin-kv) in virtual
// time. The simulation hands it the agenda's client-side events; it sends
// requests through the network, records the history, and says when the run
// is over. Each workload records its own history type (checker/history.h,
// checker/linkv_history.h) and hands it over at the end.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "core/message.h"
#include "sim/history_feed.h"
#include "sim/huge_pages.h"
#include "sim/sim_event.h"
#include "sim/world.h"

namespace eddy::sim {

// The entries a run's history is expected to hold: an invocation and a
// completion per op, capped at 256 MiB of entries so that a huge rate cannot
// reserve gigabytes (a longer history grows past it as before). What follows
// the history op by op (sim/live_history.h) reserves as much.
template <class Entry>
size_t expected_history_entries(const SimOptions& options) {
  constexpr double kEntriesMax = static_cast<double>((size_t{256} << 20) / sizeof(Entry));
  const double expected = 2.0 * options.rate_per_s * options.time_limit_s + 1024.0;
  return static_cast<size_t>(std::clamp(expected, 0.0, kEntriesMax));
}

// The heap a run's own thread grows into past its history, per history
// entry and node, and at most: what the nodes' logs, the messages in flight
// and the history's polled records take as the run goes on. Measured as the
// run thread's page faults outside the history: about 50 bytes per entry on
// seed 001's command (1 node), 230 on the partition command (5 nodes).
inline constexpr size_t kHeapBytesPerEntryAndNode = 48;
inline constexpr size_t kHeapAheadMax = size_t{64} << 20;

// Reserves a run's history when the main phase begins. A kafka entry is a
// couple of hundred bytes; growing the history by doubling moved each entry
// about twice and faulted in twice the memory. Faulted in on the other core
// while the run fills it, together with the heap the run grows into past it
// (RecordedHistory::prefault_room), and backed by huge pages when asked for
// and Linux allows (sim/huge_pages.h).
template <class Entry>
void reserve_history(RecordedHistory<Entry>& history, const SimOptions& options) {
  history.reserve(expected_history_entries<Entry>(options));
  advise_huge_pages(history.data(), history.capacity() * sizeof(Entry));
  const size_t nodes = static_cast<size_t>(std::max(1, options.node_count));
  history.prefault_room(
      std::min(kHeapAheadMax, history.capacity() * nodes * kHeapBytesPerEntryAndNode));
}

class Workload {
 public:
  virtual ~Workload() = default;

  // Sends init to every node; the main phase starts when all have answered.
  virtual void start() = 0;
  virtual void on_client_message(EndpointId client, core::Message&& message) = 0;
  virtual void on_worker_event(const WorkerEvent& event) = 0;
  virtual void on_client_timeout(const ClientTimeoutEvent& event) = 0;
  virtual void on_nemesis_event() = 0;
  virtual void on_phase_event() = 0;

  virtual bool done() const = 0;
  // Why the run could not go on (init failed), or empty.
  virtual const std::string& abort_reason() const = 0;
  // History entries recorded so far (for progress reports).
  virtual size_t history_entries() const = 0;
};

// The main phase's dispatcher wakes up at the time its next op is due
// (jepsen's stagger); this keeps at most one wake-up (WorkerEvent{-1}) ahead
// that matters: the earliest asked for.
class DispatchTimer {
 public:
  explicit DispatchTimer(World& world) : world_(world) {}
  void wake_at(TimeUs due_us) {
    if (scheduled_us_ >= world_.now_us && scheduled_us_ <= due_us) return;
    scheduled_us_ = due_us;
    world_.at(due_us, WorkerEvent{-1});
  }
  // The dispatcher's WorkerEvent came due.
  void on_wake() {
    if (scheduled_us_ == world_.now_us) scheduled_us_ = -1;
  }

 private:
  World& world_;
  TimeUs scheduled_us_ = -1;
};

}  // namespace eddy::sim
