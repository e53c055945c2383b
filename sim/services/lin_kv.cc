#include "sim/services/lin_kv.h"

namespace eddy::sim {

std::optional<core::Body> LinKv::answer(const core::Message& request, core::Rng&) {
  if (kv_request_key(request.body) == nullptr) return std::nullopt;
  return state_.apply(request.body);
}

}  // namespace eddy::sim
