// The rules of Maelstrom's key-value records: how one read, write or cas is
// judged against the current value of its key.
//
// maelstrom `service.clj` has two records with slightly different rules:
// `PersistentKV` (behind lin-kv and seq-kv) and `LWWKV` (behind lww-kv).
// Every request names exactly one key, so a rule needs only that key's
// current value; the wrappers (atomic, sequential, replicated) decide which
// state the value is taken from and where the result is stored.
#pragma once

#include <optional>

#include "core/message.h"
#include "core/value.h"

namespace eddy::sim {

enum class KvFlavor {
  // PersistentKV: cas with `create_if_not_exists` on a missing key stores
  // `to`; error 22 prints both values with pr-str.
  kPersistentKv,
  // LWWKV: ignores `create_if_not_exists` (a missing key is always error 20);
  // error 22 prints `from` with str (a string without quotes).
  kLwwKv,
};

// The key that a read, write or cas names; nullptr for any other body type
// (Maelstrom's `case` on the type throws, so no reply is sent).
const core::Value* kv_request_key(const core::Body& request);

struct KvOutcome {
  core::Body reply;  // read_ok, write_ok, cas_ok or error 20/22
  // What the key holds afterwards, present exactly when the request changes
  // the record (Clojure `=` on the records differs). For PersistentKV a
  // write of the value already there, or a cas from x to x, changes nothing;
  // LWWKV's clock ticks on every write and successful cas, so those always do.
  std::optional<core::Value> stored;
};

// Judges `request` against `current`, the key's value (nullptr when the key
// is missing). Pre: kv_request_key(request) != nullptr.
KvOutcome apply_kv(KvFlavor flavor, const core::Body& request, const core::Value* current);

}  // namespace eddy::sim
