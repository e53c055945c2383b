#include "sim/services/kv_state.h"

#include <utility>

#include "core/invariant.h"

namespace eddy::sim {

core::Body KvState::apply(const core::Body& request) {
  const core::Value* key = kv_request_key(request);
  EDDY_INVARIANT(key != nullptr, "KvState::apply: not a read, write or cas");
  KvOutcome outcome = apply_kv(flavor_, request, find(*key));
  if (outcome.stored) values_.insert_or_assign(*key, std::move(*outcome.stored));
  return std::move(outcome.reply);
}

const core::Value* KvState::find(const core::Value& key) const {
  const auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

}  // namespace eddy::sim
