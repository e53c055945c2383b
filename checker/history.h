// The history of a kafka run: invocations and completions of client
// operations, plus the nemesis's actions, in the order they happened. It is
// all the checker sees (as Jepsen's checker sees only Jepsen's history). The
// simulator writes it; any other tool can, in the JSON-lines format of
// docs/history-format.md.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/short_string.h"

namespace eddy::checker {

enum class OpType : uint8_t { kInvoke, kOk, kFail, kInfo };
// send, poll, assign and crash come from clients; the nemesis's start/stop of a
// fault are kNemesis with a description.
enum class OpF : uint8_t { kSend, kPoll, kAssign, kCrash, kNemesis };

std::string_view to_string(OpType type);
std::string_view to_string(OpF f);
std::optional<OpType> op_type_from(std::string_view text);
std::optional<OpF> op_f_from(std::string_view text);

// Kafka messages in a run are integers (Maelstrom's workload sends 1, 2, 3...
// per key). A polled message that is not an integer is recorded as this value,
// which no send ever writes, so the checker reports it as read from nowhere.
inline constexpr int64_t kNonIntegerValue = std::numeric_limits<int64_t>::min();

struct PolledRecord {
  int64_t offset = 0;
  int64_t value = 0;
  friend bool operator==(const PolledRecord&, const PolledRecord&) = default;
};
// One key's records in a poll reply, in the order the node returned them.
struct PolledKey {
  ShortString key;
  std::vector<PolledRecord> records;
  friend bool operator==(const PolledKey&, const PolledKey&) = default;
};

inline constexpr int64_t kNemesisProcess = -1;

// Laid out small (216 bytes): a run holds every entry until the checker has
// run, and an entry's bytes are page faults and moves (short_string.h).
struct Op {
  int64_t index = 0;    // position in the history, from 0
  int64_t time_us = 0;  // since the start of the run
  int64_t process = 0;  // Jepsen's process: a worker's client incarnation, or kNemesisProcess
  OpType type = OpType::kInvoke;
  OpF f = OpF::kSend;
  // assign: seek_to_beginning for the final phase's assigns.
  bool seek_to_beginning = false;

  // send: the key and message; the offset on an ok completion.
  ShortString key;
  int64_t value = 0;
  std::optional<int64_t> offset;
  // poll (ok completions): what the node returned, key by key.
  std::vector<PolledKey> polled;
  // assign: the keys assigned.
  std::vector<std::string> keys;
  // assign ok (not seek_to_beginning): what list_committed_offsets answered,
  // sorted by key; nullopt where the history does not record it. An ok poll
  // implies its client then committed, per key with records, the highest
  // offset it polled.
  std::optional<std::vector<std::pair<std::string, int64_t>>> committed;
  // info/fail: why the outcome is not ok.
  ShortString error;
  // kNemesis: what the nemesis did ("start-partition majority [n0 n1] | [n2]").
  ShortString nemesis;
  // Diagnostics, not used by the checks: the node and client id involved.
  ShortString node;
  ShortString client;

  friend bool operator==(const Op&, const Op&) = default;
};
static_assert(sizeof(Op) <= 216, "see the comment above Op");

using History = std::vector<Op>;

}  // namespace eddy::checker
