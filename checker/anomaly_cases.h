// The anomaly cases the checker's passes find, as plain numbers (value ids,
// op positions, dense indices). Only the few chosen as examples are ever
// rendered as JSON. Internal to the checker.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/history_index.h"
#include "checker/kafka_checker.h"

namespace eddy::checker::detail {

// Two messages of one key compared in the version order: poll-skip,
// nonmonotonic-poll and nonmonotonic-send (ops a then b of one process), and
// int-poll-skip / int-nonmonotonic-poll (a == b, consecutive records).
struct PairCase {
  int32_t key = 0;
  int32_t value_a = kNone;  // value ids; kNone when that read was []
  int32_t value_b = kNone;
  int32_t delta = 0;  // index_b - index_a
  int32_t op_a = 0;
  int32_t op_b = 0;
  int32_t index_a = kNone;
  int32_t index_b = kNone;
};

struct LostWriteCase {
  int32_t value = 0;  // value id (its key is the value's)
  int32_t index = 0;  // first dense index of the value
  int32_t bound = 0;  // Jepsen's max-read-index
  int32_t writer = 0;
  int32_t max_read = kNone;  // first reader of a value last seen at `bound`
};

// A read, with the writer where there is one: G1a, G1c-realtime, phantom-read.
struct ReadCase {
  int32_t value = 0;
  int32_t reader = 0;
  int32_t writer = kNone;
};

struct UnseenKey {
  int32_t key = 0;
  std::vector<int64_t> messages;  // ascending
};

struct Cases {
  std::vector<PairCase> poll_skip;
  std::vector<PairCase> nonmonotonic_poll;
  std::vector<PairCase> nonmonotonic_send;
  std::vector<PairCase> int_poll_skip;
  std::vector<PairCase> int_nonmonotonic_poll;
  std::vector<LostWriteCase> lost_write;
  std::vector<ReadCase> g1a;
  std::vector<ReadCase> g1c_realtime;
  std::vector<ReadCase> phantom_read;
  std::vector<UnseenKey> unseen;  // key order
  std::vector<std::string> unknown_reasons;
  RealtimeLag worst_lag;
};

}  // namespace eddy::checker::detail
