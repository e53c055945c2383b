// Message: Maelstrom's envelope with a typed body.
//
// core/ never sees JSON text: the codec (json_codec.h) turns a line into a
// Message or a DecodeError, and a Message back into a line. Every body type
// Eddy speaks is a struct below; a type the codec does not know arrives as
// `UnknownBody` so that the node can answer error 10 (not-supported).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/kv_record.h"
#include "core/raft/message.h"
#include "core/value.h"

namespace eddy::core {

// --- Maelstrom's init (protocol.md) ---------------------------------------
struct InitBody {
  std::string node_id;
  std::vector<std::string> node_ids;
};
struct InitOkBody {};

struct ErrorBody {
  int32_t code = 0;
  std::string text;
};

// --- The kafka workload (maelstrom workload/kafka.clj) ---------------------
using KeyOffsets = std::vector<std::pair<std::string, int64_t>>;  // sorted by key

struct SendBody {
  std::string key;
  Value msg;
};
struct SendOkBody {
  int64_t offset = 0;
};
struct PollBody {
  KeyOffsets offsets;  // key -> first offset wanted
};
struct Record {
  int64_t offset = 0;
  Value msg;
};
struct PollOkBody {
  std::vector<std::pair<std::string, std::vector<Record>>> msgs;  // keys with nothing omitted
};
struct CommitOffsetsBody {
  KeyOffsets offsets;
};
struct CommitOffsetsOkBody {};
struct ListCommittedOffsetsBody {
  std::vector<std::string> keys;  // as the request lists them
};
struct ListCommittedOffsetsOkBody {
  KeyOffsets offsets;  // keys never committed are omitted
};

// --- Maelstrom's key-value services (services.md: lin-kv, seq-kv, lww-kv) --
struct KvReadBody {
  Value key;
};
struct KvReadOkBody {
  Value value;
};
struct KvWriteBody {
  Value key;
  Value value;
};
struct KvWriteOkBody {};
struct KvCasBody {
  Value key;
  Value from;
  Value to;
  bool create_if_not_exists = false;
};
struct KvCasOkBody {};

// --- Maelstrom's lin-tso: a linearizable timestamp oracle -----------------
struct TsBody {};
struct TsOkBody {
  int64_t ts = 0;
};

// --- Eddy's own node-to-node traffic ---------------------------------------
// One batch of the gossip strategy's per-link stream (core/kafka/gossip.h):
// items numbered first_seq, first_seq + 1, ...; `ack` is the highest
// sequence number the sender has applied from the receiver's stream.
struct GossipItem {
  enum class Kind : uint8_t { kEntry, kWatermark, kCommit };
  Kind kind = Kind::kEntry;
  std::string key;
  int64_t offset = 0;  // entry: its offset; watermark: the next offset; commit: the offset
  Value msg;           // entry only
};
struct GossipBody {
  int64_t first_seq = 0;
  int64_t ack = 0;
  std::vector<GossipItem> items;
};

// --- Seed 003's verify_linearizability (Eddy's own RPC, answered by every
// strategy; docs/verify-linearizability.md) ---------------------------------
// `history`: Jepsen-like op records in the order they happened. Records of the
// nemesis are skipped; each record's `position` is its index in the array.
struct VerifyLinearizabilityBody {
  std::vector<KvHistoryRecord> history;
};
struct VerifyLinearizabilityOkBody {
  bool linearizable = true;
  // One per key that is not linearizable, in key order.
  struct Violation {
    Value key;
    KvViolation window;
  };
  std::vector<Violation> violations;
};

// One Raft message between nodes of the raft strategy (core/raft/message.h).
struct RaftBody {
  raft::Message message;
};

// A body whose `type` the codec does not know. Kept so that the node can say
// which type it does not support.
struct UnknownBody {
  std::string type;
};

using Body =
    std::variant<InitBody, InitOkBody, ErrorBody, SendBody, SendOkBody, PollBody, PollOkBody,
                 CommitOffsetsBody, CommitOffsetsOkBody, ListCommittedOffsetsBody,
                 ListCommittedOffsetsOkBody, KvReadBody, KvReadOkBody, KvWriteBody, KvWriteOkBody,
                 KvCasBody, KvCasOkBody, TsBody, TsOkBody, GossipBody, VerifyLinearizabilityBody,
                 VerifyLinearizabilityOkBody, RaftBody, UnknownBody>;

// The wire name of a body's type ("send_ok", ...).
std::string_view body_type(const Body& body);

struct Message {
  std::string src;
  std::string dest;
  std::optional<int64_t> msg_id;
  std::optional<int64_t> in_reply_to;
  Body body;

  bool is_reply() const { return in_reply_to.has_value(); }
};

}  // namespace eddy::core
