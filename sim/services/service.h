// Service: one of Maelstrom's built-in network endpoints (lin-kv, seq-kv,
// lww-kv, lin-tso), simulated in process.
//
// Reproduces maelstrom `service.clj` (`default-services`, `service-thread`):
// a service answers each request it receives, one at a time, and never sends
// anything on its own. The simulator owns the envelope: it delivers the
// request after the network's latency and sends the reply back to
// `request.src` with `in_reply_to = request.msg_id` (null when the request had
// none) and no `msg_id` of its own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "core/message.h"
#include "core/random.h"

namespace eddy::sim {

class Service {
 public:
  virtual ~Service() = default;

  // Maelstrom's node id of the service ("lin-kv", ...).
  virtual std::string_view name() const = 0;

  // The reply body for `request` (sent by `request.src`, a node), or nullopt
  // when Maelstrom sends no reply: a body type the service does not know
  // throws inside Maelstrom's worker, which logs it and answers nothing, so
  // the caller times out. `rng` is the simulator's service stream, the only
  // randomness a service may draw. Every call counts in requests().
  std::optional<core::Body> handle(const core::Message& request, core::Rng& rng) {
    ++requests_;
    return answer(request, rng);
  }

  // Requests handled so far, answered or not (for statistics).
  int64_t requests() const { return requests_; }

 private:
  virtual std::optional<core::Body> answer(const core::Message& request, core::Rng& rng) = 0;

  int64_t requests_ = 0;
};

// A fresh service named `name` (one of service_names()), or nullptr for a
// name Maelstrom does not define.
std::unique_ptr<Service> make_service(std::string_view name);

// Maelstrom's default services: lin-kv, seq-kv, lww-kv, lin-tso.
const std::vector<std::string_view>& service_names();

}  // namespace eddy::sim
