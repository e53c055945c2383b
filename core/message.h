// Message: Maelstrom's envelope with a typed body.
//
// core/ never sees JSON text: the codec (json_codec.h) turns a line into a
// Message or a DecodeError, and a Message back into a line. Every body type
// Eddy speaks is a struct below; a type the codec does not know arrives as
// `UnknownBody` so that the node can answer error 10 (not-supported).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/kv_record.h"
#include "core/raft/message.h"
#include "core/rc.h"
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

// A send or commit_offsets forwarded between Eddy's own nodes (the raft
// strategy) names the client request it carries, as KvWriteBody does below.
struct SendBody {
  std::string key;
  Value msg;
  std::string origin{};
  int64_t origin_msg_id = 0;
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
  std::string origin{};  // as SendBody's
  int64_t origin_msg_id = 0;
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
// A write or cas forwarded between Eddy's own nodes names the request it
// carries (`origin`, the client, and its msg_id), so that the node applying
// it recognises a request it has already applied, whichever node forwarded
// it, across restarts too. Empty for Maelstrom's own traffic.
struct KvWriteBody {
  Value key;
  Value value;
  std::string origin{};
  int64_t origin_msg_id = 0;
};
struct KvWriteOkBody {};
struct KvCasBody {
  Value key;
  Value from;
  Value to;
  bool create_if_not_exists = false;
  std::string origin{};  // as KvWriteBody's
  int64_t origin_msg_id = 0;
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
// Items are shared (core/rc.h): the same item sits in every link's outbox
// and in each batch that carries it.
struct GossipBody {
  int64_t first_seq = 0;
  int64_t ack = 0;
  std::vector<Rc<GossipItem>> items;
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

// --- Seed 003's partition_test (Eddy's own RPC, answered by every strategy;
// docs/partition-test.md): the node runs a simulated Raft cluster inside its
// step, cuts the leader off in a minority, and checks the history. -------
struct PartitionTestBody {
  int64_t cluster_size = 0;
  int64_t operations = 0;
  int64_t partition_after_op = 0;  // the partition starts once this many ops were invoked
  int64_t heal_after_op = 0;       // and heals once this many were
  std::optional<int64_t> seed;     // absent: drawn from the node's rng
  bool include_history = false;    // the reply carries the run's history
};
// What one run found; shared by the copies of its reply (Body stays small).
struct PartitionTestReport {
  int64_t total_ops = 0;             // ops invoked
  int64_t ops_during_partition = 0;  // ops invoked while the partition was up
  int64_t ops_succeeded = 0;         // :ok
  int64_t ops_rejected = 0;          // :fail (definitely did not happen)
  int64_t ops_indeterminate = 0;     // :info (may or may not have happened)
  int64_t ops_not_issued = 0;        // not invoked before partition_test_virtual_ms_max
  int64_t ops_succeeded_during_partition = 0;
  std::vector<std::pair<int32_t, int64_t>> rejected_by_code;  // by code; 0: a read timed out
  std::string leader_before;                                  // the leader cut off; "": none
  std::vector<std::string> leader_side;                       // the nodes cut off with it
  std::vector<std::string> other_side;
  std::string majority_leader;  // the first leader the other side elected meanwhile; "": none
  std::string leader_after;     // the leader when the last op completed; "": none
  int64_t elections = 0;        // terms in which some node became leader
  int64_t virtual_ms = 0;
  int64_t seed = 0;
  VerifyLinearizabilityOkBody check;                    // linearizable, and the violations if not
  std::optional<std::vector<KvHistoryRecord>> history;  // when the request asked for it
};
struct PartitionTestOkBody {
  std::shared_ptr<const PartitionTestReport> report;  // never null
};

// One Raft message between nodes of the raft strategy (core/raft/message.h).
struct RaftBody {
  raft::Message message;
};

// A body whose `type` the codec does not know. Kept so that the node can say
// which type it does not support; and, for a router that passes on what it
// cannot read (eddy-sim's process mode, between nodes it does not run),
// with the body verbatim.
struct UnknownBody {
  std::string type;
  // The whole body object's JSON text, written back as it is by encode_line
  // (msg_id and in_reply_to included); empty: only the type is written.
  std::string json{};
};

using Body =
    std::variant<InitBody, InitOkBody, ErrorBody, SendBody, SendOkBody, PollBody, PollOkBody,
                 CommitOffsetsBody, CommitOffsetsOkBody, ListCommittedOffsetsBody,
                 ListCommittedOffsetsOkBody, KvReadBody, KvReadOkBody, KvWriteBody, KvWriteOkBody,
                 KvCasBody, KvCasOkBody, TsBody, TsOkBody, GossipBody, VerifyLinearizabilityBody,
                 VerifyLinearizabilityOkBody, PartitionTestBody, PartitionTestOkBody, RaftBody,
                 UnknownBody>;

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
