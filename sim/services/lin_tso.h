// LinTso: Maelstrom's `lin-tso`, a linearizable timestamp oracle.
//
// maelstrom `service.clj`: `(linearizable (persistent-tso))`. `ts` is
// answered with `ts_ok {ts}`, where ts is 0, 1, 2, ... (the counter is
// returned, then incremented). Any other type, `read` included, gets no reply.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/services/service.h"

namespace eddy::sim {

class LinTso final : public Service {
 public:
  std::string_view name() const override { return "lin-tso"; }
  // The timestamp the next `ts` will get.
  int64_t next_ts() const { return next_ts_; }

 private:
  std::optional<core::Body> answer(const core::Message& request, core::Rng& rng) override;

  int64_t next_ts_ = 0;
};

}  // namespace eddy::sim
