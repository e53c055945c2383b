// SeqKv: Maelstrom's `seq-kv`, a sequentially consistent key-value store.
//
// maelstrom `service.clj`: `(sequential (persistent-kv))`. The service keeps
// the last 32 states (numbered from 0, the empty map) and, per sender (the
// message's `src`, i.e. the node, not the node's clients), the number of the
// last state that sender used, 0 at first. For each read, write or cas:
//
//   1. With ci the sender's number and last the newest state's, pick
//      idx = ci + randint(last - ci): uniform in [ci, last), or exactly last
//      when ci == last. A sender that is behind never reads the newest state.
//   2. Judge the request on state idx (the same rules and replies as lin-kv).
//      If that leaves the state unchanged (a read, a failing cas, a write of
//      the value already there), reply so and set the sender's number to idx.
//   3. Otherwise judge it again on the newest state, append the result as
//      state last + 1 (even when it changed nothing there), reply with that
//      second judgement and set the sender's number to last + 1.
//
// So a sender's reads may be stale, `key does not exist` and error 22 may be
// judged on a stale state, but a sender never goes back to an older state than
// one it used, and every mutation lands on the newest state.
//
// What Maelstrom does when idx falls outside the 32 retained states (a sender
// more than 31 states behind) could not be checked in its ring buffer's
// source; this simulation raises idx to the oldest retained state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sim/services/kv_versions.h"
#include "sim/services/service.h"

namespace eddy::sim {

class SeqKv final : public Service {
 public:
  std::string_view name() const override { return "seq-kv"; }

  // The newest state's number (0 until the first mutation).
  int64_t last_index() const { return versions_.last_index(); }
  // The number of the last state `sender` used (0 if it never sent).
  int64_t sender_index(std::string_view sender) const;

 private:
  std::optional<core::Body> answer(const core::Message& request, core::Rng& rng) override;

  // Step 1: the state the request is first judged on.
  int64_t pick_state(int64_t sender_at, core::Rng& rng) const;

  KvVersions versions_;
  std::map<std::string, int64_t, std::less<>> senders_;
};

}  // namespace eddy::sim
