// LinKv: Maelstrom's `lin-kv`, a linearizable key-value store.
//
// maelstrom `service.clj`: `(linearizable (persistent-kv))`. One map, updated
// atomically by the service's single worker, so every request takes effect at
// the instant the service processes it. Keys and values are any JSON,
// compared structurally (1, 1.0 and "1" are three different keys).
//
//   read {key}                 -> read_ok {value} | error 20 "key does not exist"
//   write {key, value}         -> write_ok
//   cas {key, from, to,        -> cas_ok | error 22 "current value <cur> is not <from>"
//        create_if_not_exists}        | error 20 when the key is missing and the
//                                       flag is false (true: stores `to`, cas_ok)
//   anything else              -> no reply
#pragma once

#include <optional>
#include <string_view>

#include "sim/services/kv_state.h"
#include "sim/services/service.h"

namespace eddy::sim {

class LinKv final : public Service {
 public:
  std::string_view name() const override { return "lin-kv"; }
  const KvState& state() const { return state_; }

 private:
  std::optional<core::Body> answer(const core::Message& request, core::Rng& rng) override;

  KvState state_{KvFlavor::kPersistentKv};
};

}  // namespace eddy::sim
