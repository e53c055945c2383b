#include "sim/services/seq_kv.h"

#include <algorithm>
#include <utility>

#include "core/invariant.h"
#include "sim/services/kv_rules.h"

namespace eddy::sim {

int64_t SeqKv::sender_index(std::string_view sender) const {
  const auto it = senders_.find(sender);
  return it == senders_.end() ? 0 : it->second;
}

int64_t SeqKv::pick_state(int64_t sender_at, core::Rng& rng) const {
  const int64_t last = versions_.last_index();
  EDDY_INVARIANT(0 <= sender_at && sender_at <= last,
                 "SeqKv: a sender is ahead of the newest state");
  // Clojure's (rand-int 0) is 0, so a sender that is up to date stays there.
  const int64_t behind = last - sender_at;
  const int64_t idx =
      behind == 0 ? last
                  : sender_at + static_cast<int64_t>(rng.below(static_cast<uint64_t>(behind)));
  return std::max(idx, versions_.oldest_index());
}

std::optional<core::Body> SeqKv::answer(const core::Message& request, core::Rng& rng) {
  const core::Value* key = kv_request_key(request.body);
  // An unknown type throws inside Maelstrom's swap!: no state and no sender moves.
  if (key == nullptr) return std::nullopt;
  int64_t& sender = senders_.try_emplace(request.src, 0).first->second;

  const int64_t idx = pick_state(sender, rng);
  KvOutcome outcome = apply_kv(KvFlavor::kPersistentKv, request.body, versions_.find(*key, idx));
  if (!outcome.stored) {
    sender = idx;
    return std::move(outcome.reply);
  }
  // It would change state idx, which could break the total order: judge it
  // on the newest state instead and make the result the next state.
  outcome =
      apply_kv(KvFlavor::kPersistentKv, request.body, versions_.find(*key, versions_.last_index()));
  versions_.append(*key, std::move(outcome.stored));
  sender = versions_.last_index();
  return std::move(outcome.reply);
}

}  // namespace eddy::sim
