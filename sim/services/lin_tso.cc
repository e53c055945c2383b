#include "sim/services/lin_tso.h"

#include <variant>

namespace eddy::sim {

std::optional<core::Body> LinTso::answer(const core::Message& request, core::Rng&) {
  if (!std::holds_alternative<core::TsBody>(request.body)) return std::nullopt;
  return core::TsOkBody{next_ts_++};
}

}  // namespace eddy::sim
