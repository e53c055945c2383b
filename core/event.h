// What goes into a node (events) and what comes out (effects). Plain data: the
// real driver (node_main/) and the simulator (sim/) both execute effects, in
// the order they were emitted.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <variant>

#include "core/json_codec.h"
#include "core/message.h"
#include "core/persist.h"

namespace eddy::core {

// Timers are named, never callbacks: the runtime's own RPC deadlines, or a
// timer of the application's, told apart by `arg`.
enum class TimerKind : uint8_t { kRpcTimeout, kApplication };

struct TimerId {
  TimerKind kind = TimerKind::kApplication;
  uint64_t arg = 0;  // the msg_id of the call for kRpcTimeout
  friend auto operator<=>(const TimerId&, const TimerId&) = default;
};

// --- events ---
struct Received {
  Message message;
};
struct TimerFired {
  TimerId timer;
};
// A line the codec could not turn into a Message; the node answers the sender
// when the envelope could be read, and logs it either way.
struct Rejected {
  DecodeError error;
};
using Event = std::variant<Received, TimerFired, Rejected>;

// --- effects ---
struct SendEffect {
  Message message;
};
// Fire TimerFired{timer} once the clock reaches due_ms. Setting a timer that
// is already pending moves it. There is no cancel: a handler ignores a timer
// that no longer matters (an RPC timeout after its reply, say).
struct SetTimerEffect {
  TimerId timer;
  int64_t due_ms = 0;
};
enum class LogLevel : uint8_t { kDebug, kInfo, kWarn };
struct LogEffect {
  LogLevel level = LogLevel::kInfo;
  std::string text;
};
// PersistEffect (core/persist.h): durable before any later effect runs.
using Effect = std::variant<SendEffect, SetTimerEffect, LogEffect, PersistEffect>;

}  // namespace eddy::core
