// GossipKafka: the default strategy (fly.io challenge 5c, efficient). No
// inter-node round trip on the path of any request; every request is
// answered during partitions; a few batched messages per link per interval.
//
// How it works (the full argument is in docs/strategy-gossip.md):
//  - Disjoint offset classes. Node i of N allocates, for each key, offsets
//    o with o mod N == i, each above every offset of that key it has seen,
//    so two nodes never allocate the same offset and a node's own allocations
//    only grow.
//  - Watermarks. A node's watermark for a key is the next offset it would
//    allocate: it promises never to allocate below it. Watermarks only grow.
//  - Per-link streams. Every change a node makes (a new entry, a raised
//    watermark, a raised commit) is appended, numbered, to the outbox of
//    every peer link, and sent in batches; the receiver applies a batch only
//    in sequence order, so when it applies peer j's watermark W for key k it
//    already holds every entry of j's for k below W. Lost, duplicated and
//    reordered batches are handled by acknowledgements (piggybacked) and
//    retransmission from the last acknowledged item.
//  - Polls stop at the safe end: min(own watermark, every peer's last known
//    watermark) for the key, and every entry below it is already here. So a
//    poll returns a gap-free run that no later arrival can fall into: no
//    poll-skip, no lost write, and offsets never repeat.
//  - Committed offsets are merged by maximum, locally at once and at peers
//    through the same streams.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/application.h"
#include "core/kafka/log.h"
#include "core/string_hash.h"

namespace eddy::core::kafka {

struct GossipConfig {
  int64_t interval_ms = 40;        // how often each link may send a batch
  int64_t retransmit_ms = 160;     // resend unacknowledged items after this long
  int64_t batch_items_max = 1024;  // items per batch

  // Deliberate bugs, for the test suite's broken variants (tests/broken/)
  // only, which must show that the simulator catches exactly these mistakes.
  enum class Flaw : uint8_t {
    kNone,
    kPollPastHoles,       // polls ignore peers' watermarks
    kOverlappingClasses,  // every node allocates from class 0
  };
  Flaw flaw = Flaw::kNone;
};

class GossipKafka final : public Application {
 public:
  explicit GossipKafka(GossipConfig config = {}) : config_(config) {}
  // Each key's state points into the node's own log_.
  GossipKafka(const GossipKafka&) = delete;
  GossipKafka& operator=(const GossipKafka&) = delete;

  void on_init(Context& ctx) override;
  bool on_request(Context& ctx, Message& request) override;
  void on_timer(Context& ctx, uint64_t arg) override;
  void check_invariants() const override;

  const KafkaLog& log() const { return log_; }
  // The first offset of `key` that polls do not yet return.
  int64_t safe_end(std::string_view key) const;

 private:
  struct KeyState {
    int64_t next = 0;  // the next offset this node would allocate (its watermark)
    std::optional<int64_t> committed;
    // Each peer's watermark for the key, by link, kNeverHeard until the peer
    // speaks of it. Kept here rather than in a map per link so that a poll's
    // safe end costs one lookup of the key, not one per peer.
    std::vector<int64_t> peer_watermarks;
    // The key's records in log_, once it has one: a send, a poll or an
    // applied entry then looks the key up once, not once per map.
    RecordStore* records = nullptr;
  };
  static constexpr int64_t kNeverHeard = INT64_MIN;
  struct Link {
    std::string peer;
    int index = 0;  // the peer's position in node_ids, its offset class
    // Outbound stream: outbox.front() has sequence number outbox_first.
    std::deque<Rc<GossipItem>> outbox;  // shared with the other links' and the batches
    int64_t outbox_first = 1;
    int64_t sent_upto = 0;  // highest sequence number sent at least once
    int64_t acked = 0;      // highest sequence number the peer has applied
    // Since when the oldest unacknowledged item has waited; new batches do
    // not reset it, so a lost batch is resent even under steady traffic.
    int64_t unacked_since_ms = 0;
    // Inbound stream.
    int64_t applied = 0;        // highest sequence number applied from the peer
    int64_t applied_acked = 0;  // `applied` as last told to the peer
  };

  bool serve(Context& ctx, Message& request);
  void on_gossip(Context& ctx, const std::string& src, GossipBody& gossip);
  // Applies a peer's item to its key's state, `state`.
  void apply(Link& link, const GossipItem& item, KeyState& state);
  KeyState& key_state(std::string_view key);
  RecordStore& records_of(std::string_view key, KeyState& state);
  // safe_end's answer from the key's state (null: a key never heard of).
  int64_t safe_end(const KeyState* state) const;
  // What is wrong with `key`'s state (its next offset "is already stored"),
  // or null: check_invariants' condition, without a message to build.
  const char* broken_key_state(const std::string& key, const KeyState& state) const;
  // Raises this node's next offset for `key` (whose state is `state`) above
  // `offset`, in its class.
  void see_offset(std::string_view key, KeyState& state, int64_t offset);
  void broadcast(GossipItem::Kind kind, std::string_view key, int64_t offset, Value msg = {});
  void flush(Context& ctx);
  void send_batch(Context& ctx, Link& link, int64_t from_seq);
  int64_t first_in_class_above(int64_t offset) const;

  GossipConfig config_;
  int self_ = 0;
  int node_count_ = 1;
  KafkaLog log_;
  // Looked up on every send, poll and gossip item: hashed, not ordered.
  StringMap<KeyState> keys_;
  std::vector<Link> links_;
  std::map<std::string, size_t, std::less<>> link_of_;
};

}  // namespace eddy::core::kafka
