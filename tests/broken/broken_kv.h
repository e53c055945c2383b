// Broken lin-kv nodes: the `proxy` strategy (core/kv/proxy.h) with one
// deliberate flaw each, kept to prove that the lin-kv workload and the
// linearizability checker catch what they must:
//
//   broken:kv-stale-cache       remembers the last value it saw of each key and
//                               answers reads from it without asking lin-kv
//   broken:kv-early-cas-ack     acknowledges a cas before lin-kv has answered
//                               (and whatever lin-kv then says)
//   broken:kv-definite-timeout  answers a forward that got no reply in time
//                               with error 11 (definite), though lin-kv may
//                               have acted on it
#pragma once

#include <string>
#include <vector>

namespace eddy::broken {

// Registers the variants with sim::register_strategy (lin-kv workload).
void register_broken_kv_variants();
std::vector<std::string> broken_kv_variant_names();

}  // namespace eddy::broken
