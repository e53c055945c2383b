#include "sim/services/kv_rules.h"

#include <string>
#include <variant>

#include "core/error_code.h"
#include "core/invariant.h"
#include "sim/services/clojure_text.h"

namespace eddy::sim {
namespace {

using core::Body;
using core::ErrorBody;
using core::ErrorCode;
using core::Value;

// The text is Maelstrom's, word for word (`service.clj`).
Body key_does_not_exist() {
  return ErrorBody{static_cast<int32_t>(ErrorCode::kKeyDoesNotExist), "key does not exist"};
}

Body precondition_failed(KvFlavor flavor, const Value& current, const Value& from) {
  // PersistentKV: (str "current value " (pr-str cur) " is not " (pr-str from));
  // LWWKV prints `from` with a bare str.
  const std::string from_text =
      flavor == KvFlavor::kPersistentKv ? clojure_pr_str(from) : clojure_str(from);
  return ErrorBody{static_cast<int32_t>(ErrorCode::kPreconditionFailed),
                   "current value " + clojure_pr_str(current) + " is not " + from_text};
}

KvOutcome read(const core::KvReadBody&, const Value* current) {
  if (current == nullptr) return {key_does_not_exist(), std::nullopt};
  return {core::KvReadOkBody{*current}, std::nullopt};
}

KvOutcome write(KvFlavor flavor, const core::KvWriteBody& body, const Value* current) {
  const bool unchanged =
      flavor == KvFlavor::kPersistentKv && current != nullptr && *current == body.value;
  if (unchanged) return {core::KvWriteOkBody{}, std::nullopt};
  return {core::KvWriteOkBody{}, body.value};
}

KvOutcome cas(KvFlavor flavor, const core::KvCasBody& body, const Value* current) {
  if (current == nullptr) {
    // Only PersistentKV honours the flag; it stores `to` without looking at `from`.
    if (flavor == KvFlavor::kPersistentKv && body.create_if_not_exists) {
      return {core::KvCasOkBody{}, body.to};
    }
    return {key_does_not_exist(), std::nullopt};
  }
  if (!(*current == body.from)) return {precondition_failed(flavor, *current, body.from), {}};
  const bool unchanged = flavor == KvFlavor::kPersistentKv && *current == body.to;
  if (unchanged) return {core::KvCasOkBody{}, std::nullopt};
  return {core::KvCasOkBody{}, body.to};
}

}  // namespace

const Value* kv_request_key(const Body& request) {
  if (const auto* body = std::get_if<core::KvReadBody>(&request)) return &body->key;
  if (const auto* body = std::get_if<core::KvWriteBody>(&request)) return &body->key;
  if (const auto* body = std::get_if<core::KvCasBody>(&request)) return &body->key;
  return nullptr;
}

KvOutcome apply_kv(KvFlavor flavor, const Body& request, const Value* current) {
  if (const auto* body = std::get_if<core::KvReadBody>(&request)) return read(*body, current);
  if (const auto* body = std::get_if<core::KvWriteBody>(&request)) {
    return write(flavor, *body, current);
  }
  const auto* body = std::get_if<core::KvCasBody>(&request);
  EDDY_INVARIANT(body != nullptr, "apply_kv: not a read, write or cas");
  return cas(flavor, *body, current);
}

}  // namespace eddy::sim
