#include "sim/services/lww_kv.h"

namespace eddy::sim {

std::optional<core::Body> LwwKv::answer(const core::Message& request, core::Rng& rng) {
  // An unknown type throws inside Maelstrom's swap!, before any replica changes.
  if (kv_request_key(request.body) == nullptr) return std::nullopt;
  return replicas_[rng.below(kReplicas)].apply(request.body);
}

}  // namespace eddy::sim
