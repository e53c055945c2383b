// ProxyKv: the `proxy` strategy for Maelstrom's lin-kv workload. Every node
// forwards each client `read`, `write` and `cas` to Maelstrom's own `lin-kv`
// service and relays the answer, so the store is linearizable by
// construction: each request takes effect at the single instant lin-kv
// handles it, which lies between the client's request and its reply.
//
// The one subtlety is the outcome of a forward that gets no answer in time:
// lin-kv may or may not have acted on it, so the client gets error 0
// (timeout), which Maelstrom treats as indefinite (:info for a write or a
// cas; a read is :fail either way, having changed nothing). A definite code
// there would be a lie (tests/broken's kv-definite-timeout proves the checker
// sees it). Service errors (20 key does not exist, 22 precondition failed)
// are definite and relayed with their code and text.
//
// It exists to test the lin-kv workload and checker before Raft does; its
// broken variants live in tests/broken/.
#pragma once

#include "core/application.h"

namespace eddy::core::kv {

// True for the lin-kv workload's client requests: read, write and cas.
bool is_kv_request(const Body& body);

class ProxyKv final : public Application {
 public:
  bool on_request(Context& ctx, Message& request) override;
};

}  // namespace eddy::core::kv
