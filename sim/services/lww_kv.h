// LwwKv: Maelstrom's `lww-kv`, as the current code behaves.
//
// maelstrom `service.clj`: `(eventual (lww-kv))` with 2 replicas (the doc and
// older code say 5). For each request `Eventual` merges one random replica
// into another, but then rebuilds the vector from the unmerged replicas and
// applies the request to one uniformly chosen replica, so the merge is lost:
// the 2 replicas never converge, and every request reads or writes one of two
// independent maps at random. A write to one replica may never be seen by a
// read served by the other.
//
// Replies are lin-kv's (see lin_kv.h) with LWWKV's two differences: cas on a
// missing key is error 20 even with `create_if_not_exists`, and error 22
// prints `from` with `str` (a string without quotes).
//
// LWWKV also stamps each value with a Lamport clock, used only by the merge;
// since no merge survives, the stamps can never reach a reply and are not kept.
// Maelstrom's two draws for the merge are not made either: only the replica
// choice shapes what a node sees.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "sim/services/kv_state.h"
#include "sim/services/service.h"

namespace eddy::sim {

class LwwKv final : public Service {
 public:
  static constexpr size_t kReplicas = 2;  // `(eventual 2 ...)` in service.clj

  std::string_view name() const override { return "lww-kv"; }
  // Pre: i < kReplicas.
  const KvState& replica(size_t i) const { return replicas_.at(i); }

 private:
  std::optional<core::Body> answer(const core::Message& request, core::Rng& rng) override;

  std::array<KvState, kReplicas> replicas_{KvState(KvFlavor::kLwwKv), KvState(KvFlavor::kLwwKv)};
};

}  // namespace eddy::sim
