// The events on the simulator's agenda. Each names its target by index, so
// the agenda holds plain data.
#pragma once

#include <cstdint>
#include <type_traits>
#include <variant>

#include "core/event.h"
#include "core/message.h"
#include "sim/event_queue.h"

namespace eddy::sim {

using EndpointId = uint32_t;

// An endpoint's delivery loop is free: take the next message (kMaelstrom).
struct DequeueEvent {
  EndpointId endpoint;
};
// A message reaches its endpoint. The message itself waits in the network's
// pool (Network::on_deliver takes it out), so the agenda moves 16 bytes, not
// a few hundred.
struct DeliverEvent {
  EndpointId endpoint;
  uint32_t slot;       // the message's place in the network's pool
  int64_t message_id;  // the network's id, for the journal
};
// A node's timer comes due. Stale if the node has since moved or fired it.
struct NodeTimerEvent {
  int node;
  core::TimerId timer;
  TimeUs due_us;
};
// A node's slow disk write completes (SimOptions::slow_disk_p). Stale if the
// node has crashed since.
struct NodeDiskEvent {
  int node;
  TimeUs due_us;
};
// A worker may start its next operation.
struct WorkerEvent {
  int worker;
};
// A worker's outstanding call has waited client_timeout_ms.
struct ClientTimeoutEvent {
  int worker;
  uint64_t call_serial;
};
struct NemesisEvent {};
struct PhaseEvent {};  // re-check whether the run moves to its next phase

using SimEvent = std::variant<DequeueEvent, DeliverEvent, NodeTimerEvent, NodeDiskEvent,
                              WorkerEvent, ClientTimeoutEvent, NemesisEvent, PhaseEvent>;
// Plain data, so that the agenda's heap holds events inline and sifting is a
// few word copies.
static_assert(std::is_trivially_copyable_v<SimEvent> && sizeof(SimEvent) <= 40);
using Agenda = EventQueue<SimEvent>;

}  // namespace eddy::sim
