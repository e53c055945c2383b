// NetScenario: the network half of the simulator's rapidcheck scenarios
// (latency and its distribution, message loss, duplication, delay spikes),
// generated and applied the same way by every property test; each test
// bounds the faults to what its strategy is meant to survive.
#pragma once

#include <rapidcheck.h>

#include <cstdint>

#include "sim/options.h"

namespace eddy::sim::testing {

struct NetScenario {
  int latency_ms;
  int dist;  // LatencyDist
  int loss_per_mille;
  int duplicate_per_mille;
  int spike_per_mille;
};

struct NetBounds {
  int latency_ms_max = 100;
  int loss_per_mille_max = 150;
  int duplicate_per_mille_max = 150;
  int spike_per_mille_max = 50;
  int64_t spike_ms = 500;
};

inline rc::Gen<NetScenario> gen_net_scenario(const NetBounds& bounds) {
  return rc::gen::build<NetScenario>(
      rc::gen::set(&NetScenario::latency_ms, rc::gen::inRange(0, bounds.latency_ms_max + 1)),
      rc::gen::set(&NetScenario::dist, rc::gen::inRange(0, 3)),
      rc::gen::set(&NetScenario::loss_per_mille,
                   rc::gen::inRange(0, bounds.loss_per_mille_max + 1)),
      rc::gen::set(&NetScenario::duplicate_per_mille,
                   rc::gen::inRange(0, bounds.duplicate_per_mille_max + 1)),
      rc::gen::set(&NetScenario::spike_per_mille,
                   rc::gen::inRange(0, bounds.spike_per_mille_max + 1)));
}

inline void apply_net_scenario(const NetScenario& net, const NetBounds& bounds, SimOptions& o) {
  o.latency_ms = net.latency_ms;
  o.latency_dist = static_cast<LatencyDist>(net.dist);
  o.loss_p = net.loss_per_mille / 1000.0;
  o.duplicate_p = net.duplicate_per_mille / 1000.0;
  o.spike_p = net.spike_per_mille / 1000.0;
  o.spike_ms = bounds.spike_ms;
}

}  // namespace eddy::sim::testing
