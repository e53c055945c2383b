// The records of a key-value history as Jepsen writes one (invocations and
// completions of read, write and cas on independent keys), and the window
// that shows a key's history is not linearizable. Plain data, shared by the
// verify_linearizability RPC's message (core/message.h) and the check itself
// (core/kv_history.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace eddy::core {

enum class KvEventType : uint8_t { kInvoke, kOk, kFail, kInfo };
enum class KvF : uint8_t { kRead, kWrite, kCas };

std::string_view to_string(KvEventType type);
std::string_view to_string(KvF f);

struct KvHistoryRecord {
  int64_t process = 0;
  KvEventType type = KvEventType::kInvoke;
  KvF f = KvF::kRead;
  Value key;  // any JSON; null for a history of one unnamed register
  // read: the value an ok completion read (JSON null: nothing written yet);
  // write: the value written. Completions of writes and cas may omit it:
  // their arguments come from the invocation.
  std::optional<Value> value;
  // cas: from and to, present on the invocation.
  std::optional<Value> from;
  std::optional<Value> to;
  // Where the record came from, for reports: its position in the caller's
  // own history (a history index, or an index into an RPC's array).
  int64_t position = 0;
  // fail/info: why, when the history says ("precondition-failed: ..."); only
  // shown in descriptions.
  std::string error;
};

// The smallest window of a key's history that cannot be linearized.
struct KvViolation {
  int64_t op = 0;                   // position of the invocation of the op that could not be placed
  int64_t completion = 0;           // position of its completion
  std::vector<int64_t> concurrent;  // invocation positions of the ops concurrent with it
  std::vector<Value> values_before;  // every value the register could hold just before it
  std::string description;           // the window in words, one op a line
  // False when the search ran out of budget after proving the violation but
  // before narrowing it down: the first op that cannot be placed may come
  // earlier, and values_before may hold too much.
  bool window_exact = true;
};

}  // namespace eddy::core
