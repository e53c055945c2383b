// Network: Maelstrom's simulated network (maelstrom net.clj), in virtual time.
//
// Endpoints are nodes, services and clients, by name. A message from or to a
// client has no latency; any other gets one drawn at send time from the
// latency distribution, plus Eddy's optional faults (loss, duplication,
// latency spikes) on that server traffic. Partitions are grudges: a
// destination drops messages from the sources it holds a grudge against.
// With DeliveryModel::kMaelstrom the grudge is checked when the destination's
// loop takes the message off its queue, and that loop then waits for the
// message's deadline, holding up everything behind it, as net.clj does.
//
// A crashed node's endpoint is down (Eddy's crash nemesis): what was queued
// for it or in flight to it when it crashed, and what is sent to it until it
// restarts, is dropped and counted, as for a process whose pipe has closed;
// a message delivered before the crash stays delivered.
//
// The network counts messages as Maelstrom's journal does (net/checker.clj):
// sends and receives, overall, for client traffic and for server traffic.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/message.h"
#include "core/random.h"
#include "core/string_hash.h"
#include "sim/options.h"
#include "sim/sim_event.h"

namespace eddy::sim {

enum class EndpointKind : uint8_t { kNode, kService, kClient };

struct TrafficCounts {
  int64_t sent = 0;
  int64_t received = 0;
  int64_t dropped = 0;  // by partitions, loss, or a closed destination
};

struct NetStats {
  TrafficCounts all;
  TrafficCounts clients;  // messages from or to a client
  TrafficCounts servers;  // node<->node and node<->service
  int64_t duplicated = 0;
  int64_t to_closed_client = 0;  // replies to a client that had gone
  int64_t to_crashed_node = 0;   // messages lost with a crashed node or sent while it was down
};

// One journaled message (only kept when SimOptions::journal is set).
struct JournalEntry {
  int64_t id;
  TimeUs sent_us;
  TimeUs received_us;  // -1 if never delivered
  core::Message message;
};

class Network {
 public:
  Network(const SimOptions& options, core::Rng rng, Agenda& agenda);

  EndpointId add_endpoint(const std::string& name, EndpointKind kind);
  // A closed client: later messages to it are dropped and counted.
  void close_endpoint(EndpointId endpoint);
  std::optional<EndpointId> find(const std::string& name) const;
  const std::string& name(EndpointId endpoint) const { return endpoints_[endpoint].name; }
  EndpointKind kind(EndpointId endpoint) const { return endpoints_[endpoint].kind; }

  // Sends `message` (src and dest are endpoint names) at `now_us`.
  void send(TimeUs now_us, core::Message&& message);
  // As send, from a sender that knows its own endpoint `src` (the one named
  // message.src) and perhaps the destination's (the one named message.dest):
  // what is known is not looked up again, two hash lookups a message saved.
  void send(TimeUs now_us, core::Message&& message, EndpointId src,
            std::optional<EndpointId> dest = std::nullopt);

  // Agenda callbacks, called by the simulation's loop.
  void on_dequeue(TimeUs now_us, EndpointId endpoint);
  // Returns the message if it is to be handed to the endpoint now, or null.
  // It stays in its slot of the pool, where the caller reads it or moves
  // from it, until release(event): a message is not moved once more on its
  // way out. Sending meanwhile never moves it (the pool is a deque).
  core::Message* on_deliver(TimeUs now_us, DeliverEvent& event);
  void release(const DeliverEvent& event) { free_slots_.push_back(event.slot); }

  // Partitions: `dest` drops everything from `src`.
  void drop(EndpointId dest, EndpointId src);
  void heal();
  bool partitioned(EndpointId dest, EndpointId src) const;
  size_t grudge_count() const;

  // A paused endpoint takes nothing off its queue until resumed.
  void pause(EndpointId endpoint);
  void resume(TimeUs now_us, EndpointId endpoint);
  bool paused(EndpointId endpoint) const { return endpoints_[endpoint].paused; }

  // A crashed node's endpoint: everything queued for it or in flight to it
  // is lost, and what is sent to it is dropped, until it restarts.
  void crash(EndpointId endpoint);
  void restart(EndpointId endpoint);
  bool down(EndpointId endpoint) const { return endpoints_[endpoint].down; }

  // kMaelstrom: leave out the loop's wake-up after a delivery when nothing
  // waits (see Endpoint::idle_dequeue). Only for runs in virtual time, and
  // only while the event count decides nothing but the count itself (Raft's
  // invariant checks are spaced by it: stop_eliding once a node runs Raft).
  void elide_idle_dequeues() { elide_idle_dequeues_ = true; }
  bool eliding_idle_dequeues() const { return elide_idle_dequeues_; }
  // Schedules, in their places, the wake-ups left out that the agenda has not
  // reached yet, and elides no more. Returns how many it had passed: events
  // the run would have counted by now and has not.
  int64_t stop_eliding();
  // At the end of a run: the wake-ups left out that the agenda had passed,
  // which the run counts as the events they would have been. With `drained`
  // (the agenda ran out), those ahead too, as the run would have popped them.
  int64_t elided_events(bool drained) const;

  const NetStats& stats() const { return stats_; }
  const std::vector<JournalEntry>& journal() const { return journal_; }

 private:
  // A message waiting in an endpoint's queue; the message is in the pool.
  struct Queued {
    TimeUs deadline_us;
    uint64_t seq;
    int64_t message_id;
    uint32_t slot;
  };
  // A message in flight: from send until it is delivered or dropped. Its
  // source was looked up at send time, so neither the partition check nor
  // the counts look a name up again.
  struct InFlight {
    core::Message message;
    EndpointId src = 0;
  };
  struct LaterFirst {
    bool operator()(const Queued& a, const Queued& b) const {
      return a.deadline_us != b.deadline_us ? a.deadline_us > b.deadline_us : a.seq > b.seq;
    }
  };
  struct Endpoint {
    std::string name;
    EndpointKind kind;
    bool closed = false;
    bool paused = false;
    bool busy = false;  // kMaelstrom: waiting for the deadline of a taken message
    bool down = false;  // a crashed node, until it restarts
    // Messages with a lower id were sent before the endpoint's last crash:
    // lost with it, wherever they are.
    int64_t lost_below_id = 0;
    std::priority_queue<Queued, std::vector<Queued>, LaterFirst> queue;
    std::set<EndpointId> grudges;  // sources this endpoint drops
    // kMaelstrom: the wake-up that follows a delivery, when the queue was
    // empty then, is not scheduled; its place in the agenda's order is
    // reserved here instead. If anything touches the endpoint before the
    // agenda reaches that place, the event is scheduled there after all
    // (settle_idle_dequeue); otherwise it would have found the queue empty
    // and only cleared `busy`, which settle_idle_dequeue then does.
    struct Reserved {
      TimeUs due_us;
      uint64_t seq;
    };
    std::optional<Reserved> idle_dequeue;
  };

  // Resolves the endpoint's reserved wake-up, if any: scheduled in its place
  // if the agenda has not reached it yet, or done (busy cleared, an event
  // counted) if it has. Called first by everything that reads or changes the
  // endpoint's queue or `busy`.
  // Inline: nearly every call finds nothing reserved.
  Endpoint& settle_idle_dequeue(EndpointId endpoint) {
    Endpoint& e = endpoints_[endpoint];
    if (e.idle_dequeue) settle_reserved(e, endpoint);
    return e;
  }
  void settle_reserved(Endpoint& e, EndpointId endpoint);
  TimeUs latency_us();
  void enqueue(TimeUs now_us, EndpointId dest, TimeUs deadline_us, int64_t id, uint32_t slot);
  // The pool of messages in flight: slots are reused, so it grows only to
  // the most messages ever in flight at once.
  uint32_t admit(core::Message&& message, EndpointId src);
  void discard(uint32_t slot) { free_slots_.push_back(slot); }
  bool from_client(uint32_t slot) const {
    return endpoints_[pool_[slot].src].kind == EndpointKind::kClient;
  }
  TrafficCounts& counts_for(bool client_traffic) {
    return client_traffic ? stats_.clients : stats_.servers;
  }
  void count_drop(bool client_traffic);
  void count_crash_drop(bool client_traffic);
  void journal_receive(int64_t id, TimeUs now_us);

  const SimOptions& options_;
  core::Rng rng_;
  Agenda& agenda_;
  std::vector<Endpoint> endpoints_;
  core::StringMap<EndpointId> by_name_;  // looked up twice per message sent
  int64_t next_message_id_ = 0;
  uint64_t next_seq_ = 0;
  NetStats stats_;
  std::vector<JournalEntry> journal_;
  std::deque<InFlight> pool_;
  bool elide_idle_dequeues_ = false;
  int64_t elided_events_ = 0;  // settled wake-ups the agenda had passed
  std::vector<uint32_t> free_slots_;
};

}  // namespace eddy::sim
