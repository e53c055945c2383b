#include "sim/options.h"

#include <algorithm>

namespace eddy::sim {

int64_t client_timeout_ms(const SimOptions& options) {
  if (options.client_timeout_ms) return *options.client_timeout_ms;
  if (options.workload == "lin-kv") {
    // maelstrom workload/lin_kv.clj: (max (* 10 (:mean (:latency test))) 1000)
    return std::max<int64_t>(10 * options.latency_ms, 1000);
  }
  return 5000;  // maelstrom client.clj default-timeout
}

}  // namespace eddy::sim
