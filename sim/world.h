// World: what the simulator's parts share: the options, the clock, the agenda
// and the network. One thread, one world; nothing here is global.
#pragma once

#include "core/random.h"
#include "sim/client_timeouts.h"
#include "sim/event_queue.h"
#include "sim/network.h"
#include "sim/options.h"
#include "sim/sim_event.h"

namespace eddy::sim {

struct World {
  World(const SimOptions& opts, const core::Rng& root)
      : options(opts), network(opts, root.stream("network"), agenda) {}

  const SimOptions& options;
  Agenda agenda;
  Network network;
  ClientTimeouts client_timeouts{agenda};
  TimeUs now_us = 0;
  // True once some node has shown a Raft or put anything on its disk, and
  // from then on (NodeHost sets it after each step and each completed
  // write). The per-event Raft checks read it first, so a run of another
  // strategy pays one load an event for them. Sticky, so it never hides
  // state that is there; the checks look at what is there now.
  bool raft_state_seen = false;

  int64_t now_ms() const { return now_us / 1000; }
  void at(TimeUs due_us, SimEvent event) { agenda.push(due_us, event); }
};

}  // namespace eddy::sim
