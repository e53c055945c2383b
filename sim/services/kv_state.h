// KvState: one key-value map and the requests that act on it atomically.
//
// This is maelstrom `service.clj`'s `PersistentKV` (or `LWWKV`) held in one
// place: lin-kv keeps one (`Linearizable` swaps a single atom, so each request
// takes effect at the moment the service processes it) and lww-kv keeps one
// per replica. Keys are ordered by Value's operator<, so iteration order is
// the same on every run.
#pragma once

#include <cstddef>
#include <map>

#include "core/message.h"
#include "core/value.h"
#include "sim/services/kv_rules.h"

namespace eddy::sim {

class KvState {
 public:
  explicit KvState(KvFlavor flavor) : flavor_(flavor) {}

  // Applies a read, write or cas and returns its reply (read_ok, write_ok,
  // cas_ok or error 20/22). Pre: kv_request_key(request) != nullptr.
  core::Body apply(const core::Body& request);

  // The value stored under `key`, or nullptr when the key was never written.
  const core::Value* find(const core::Value& key) const;
  size_t size() const { return values_.size(); }

 private:
  KvFlavor flavor_;
  std::map<core::Value, core::Value> values_;
};

}  // namespace eddy::sim
