// LinKvKafka: the `linkv` strategy (fly.io challenge 5b). Every node serves
// every request; all shared state lives in Maelstrom's `lin-kv` service, which
// is linearizable and never partitioned (maelstrom service.clj, net.clj), so
// node-to-node partitions do not affect it at all. Nodes never talk to each
// other. docs/strategy-linkv.md has the long form of everything below.
//
// Layout (linkv_codec.h): log `k` is cut into chunks of C entries; lin-kv key
// "log/<k>/<c>" holds the entries of offsets c*C .. c*C+C-1 that exist, each
// as [writer tag, msg]. "commit/<k>" holds the highest committed offset.
//
// send: one append pipeline per key and node. Pending sends are batched (up
//   to the room left in the tail chunk) into one cas of the tail chunk, from
//   its cached value to that value plus the batch, with create_if_not_exists
//   when the node believes the chunk empty (from = []). cas_ok: send_ok with
//   the offsets. Anything else: the chunk decides (see 2); a 22 names the
//   chunk's current value, which saves the re-read; otherwise re-read it.
// poll: from the node's cache (CachedLog), no message on the critical path.
//   A poll that asks at or past the end of a key's cache starts a read of its
//   tail chunk (one in flight per key; none within `gap` of the last time the
//   cached tail was confirmed; gap grows with how long the key has been quiet).
// commit_offsets: max-merged into a local map and acknowledged at once; a
//   timer flushes dirty keys with a max-merging cas loop on "commit/<k>".
// list_committed_offsets: from the local map; keys never committed omitted.
//
// Why it is safe:
//  1. Dense, gap-free log. A chunk's value only ever changes by a cas from
//     its whole current value to that value plus entries at its end, so it
//     grows append-only. A node writes chunk c+1 only once its cache holds
//     chunk c full, i.e. once chunk c *was* full; so every chunk before the
//     tail is full and offsets are dense.
//  2. No duplicate. A message's tag is unique (node id + counter). A cas of
//     the tag can apply only while the chunk equals its `from`. Every cas
//     that did not answer cas_ok stays "unresolved" (a timeout says nothing,
//     and even a 22 may answer a duplicated copy of a cas whose other copy
//     applied) until the cache of the chunk grows past its `from`: then it
//     applied iff the tag sits there. A new cas of the tag is only sent while
//     the cache of the chunk equals the `from` of every unresolved one (pump
//     asserts it), so all cas attempts of a tag that may still apply share one
//     `from`, and at most one of them applies.
//  3. Acknowledged means stored for good: send_ok only after cas_ok or after
//     seeing the tag in a chunk value; values only grow.
//  4. Polls see a prefix of the true log (CachedLog's contract), from the
//     requested offset on, without holes; the cache only grows, so a
//     client's polls through one node never go backwards.
//  5. A definite error (11) only when every cas of the send is resolved as
//     not applied; otherwise the give-up is indefinite (code 0).
//  6. Later sends get larger offsets: an acknowledged entry is in the chunk
//     before a later send's cas, which appends after the whole current value.
//  7. Committed offsets never go backwards: the local map takes maxima, and
//     the lin-kv value only moves by cas from a known value to a larger one.
//
// Assumption: a node's tags are unique for the life of its lin-kv data, i.e.
// a node id is not reused by a restarted process (true in Maelstrom 0.2.x,
// which never restarts nodes).
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/application.h"
#include "core/kafka/linkv_cache.h"

namespace eddy::core::kafka {

struct LinKvConfig {
  std::string kv_service = "lin-kv";
  // Entries per chunk. Maelstrom sends 16 messages per key, so one chunk
  // holds a whole log and a poll's refresh is one read.
  int64_t chunk_entries = 64;
  // lin-kv is never partitioned (maelstrom net.clj), so a call times out
  // only when a message is lost or very late; then the chunk is re-read.
  int64_t kv_timeout_ms = 500;
  // A send gives up after this many cas attempts or this long after it
  // arrived, well before Maelstrom's 5 s client timeout (client.clj). Five
  // nodes appending to one hot key can lose a dozen races in a row, so the
  // attempts are many and the deadline is the real bound.
  int32_t send_attempts_max = 32;
  int64_t send_deadline_ms = 3000;
  int32_t send_queue_max = 1024;  // per key and node; more is refused (11)
  // Refresh rate limit: gap = clamp(quiet time / divisor, min, max), where
  // quiet time is how long ago this node last saw the key's log grow.
  int64_t refresh_gap_min_ms = 100;
  int64_t refresh_gap_max_ms = 500;
  int64_t refresh_quiet_divisor = 4;
  // Commits only matter to another node's list_committed_offsets, so they
  // are flushed rarely: each flush of a key costs a cas or two.
  int64_t commit_flush_interval_ms = 1000;
  int32_t commit_flushes_in_flight_max = 256;
  // list_committed_offsets answers at once from this node's map, and also
  // looks the requested keys up in lin-kv (each at most once per interval,
  // a bounded number at a time), so commits made on other nodes show here
  // for the next list.
  int64_t commit_lookup_interval_ms = 100;
  int32_t commit_lookups_in_flight_max = 64;
  int32_t commit_cas_attempts_max = 5;  // per flush
};

class LinKvKafka final : public Application {
 public:
  explicit LinKvKafka(LinKvConfig config = {});

  void on_init(Context& ctx) override;
  bool on_request(Context& ctx, Message& request) override;
  void on_timer(Context& ctx, uint64_t arg) override;
  void check_invariants() const override;

  const LinKvConfig& config() const { return config_; }
  // The node's cache of log `key`, or nullptr if it never touched the key.
  const linkv::CachedLog* cached_log(std::string_view key) const;
  // The locally known committed offset of `key`.
  std::optional<int64_t> committed(std::string_view key) const;

  static constexpr uint64_t kCommitFlushTimer = 1;

 private:
  // A cas of a send that did not answer cas_ok and is not settled yet: it
  // may have applied (a timeout, or a 22 to a duplicated copy).
  struct Unresolved {
    int64_t chunk = 0;
    int64_t from_length = 0;  // entries of the chunk in its `from`
  };
  struct PendingSend {
    Message request;  // src and msg_id, for the reply; the body is moved out
    linkv::ChunkEntry entry;
    int32_t attempts = 0;
    int64_t deadline_ms = 0;
    std::vector<Unresolved> unresolved;
  };
  // The node's one append pipeline of a key: while busy, the first
  // `batch_size` pending sends ride on a cas, or a re-read is in flight.
  struct Appender {
    std::deque<PendingSend> queue;
    bool busy = false;
    int64_t batch_chunk = 0;
    int64_t batch_from_length = 0;
    size_t batch_size = 0;
  };
  struct Refresh {
    bool in_flight = false;
    // When lin-kv last held exactly the cached tail (the send time of the
    // read or cas that showed it): no refresh within `gap` of it.
    int64_t confirmed_ms = std::numeric_limits<int64_t>::min() / 2;
    int64_t grown_ms = 0;  // when the cache last grew
  };
  struct KeyState {
    explicit KeyState(int64_t chunk_entries) : log(chunk_entries) {}
    linkv::CachedLog log;
    Appender appender;
    Refresh refresh;
  };
  struct CommitState {
    int64_t local = 0;
    // The value lin-kv held when we last looked (our cas or a read); nullopt
    // when unknown or missing.
    std::optional<int64_t> remote;
    bool flushing = false;
    int32_t attempts = 0;  // cas attempts of the current flush
  };

  KeyState& key_state(const Context& ctx, const std::string& key);

  // send
  void on_send(Context& ctx, Message& request);
  void pump(Context& ctx, const std::string& key);
  void give_up_expired(Context& ctx, Appender& appender);
  void resolve(Context& ctx, KeyState& state);
  void on_cas_done(Context& ctx, const std::string& key, int64_t sent_ms, RpcResult result);
  // Merges the chunk value a 22 names, when it can be read exactly.
  void merge_refusal(Context& ctx, const std::string& key, KeyState& state, int64_t chunk,
                     const ErrorBody& refusal, int64_t sent_ms);
  void read_for_append(Context& ctx, const std::string& key, int64_t chunk);
  void on_append_read(Context& ctx, const std::string& key, int64_t chunk, int64_t sent_ms,
                      RpcResult result);
  // Merges the whole value of `chunk`, as lin-kv held it after `sent_ms`
  // (when the read or cas that showed it was sent).
  linkv::MergeOutcome merge_chunk(Context& ctx, const std::string& key, KeyState& state,
                                  int64_t chunk, const std::vector<linkv::ChunkEntry>& value,
                                  int64_t sent_ms);
  // Merges a read_ok of `chunk`; returns the chunk's entry count, or -1 if it
  // was not a chunk of ours or disagreed with the cache.
  int64_t merge_read(Context& ctx, const std::string& key, KeyState& state, int64_t chunk,
                     const Message& read_ok, int64_t sent_ms);
  // A read of `chunk` after `sent_ms` found no such key.
  static void confirm_missing(KeyState& state, int64_t chunk, int64_t sent_ms);

  // poll
  void on_poll(Context& ctx, const Message& request);
  void maybe_refresh(Context& ctx, const std::string& key, KeyState& state);
  void start_refresh(Context& ctx, const std::string& key, KeyState& state);
  void on_refresh_done(Context& ctx, const std::string& key, int64_t chunk, int64_t sent_ms,
                       RpcResult result);

  // commits
  void on_commit(Context& ctx, const Message& request);
  void on_list(Context& ctx, const Message& request);
  void flush_commits(Context& ctx);
  void cas_commit(Context& ctx, const std::string& key);
  void on_commit_cas_done(Context& ctx, const std::string& key, int64_t to, RpcResult result);
  void read_commit(Context& ctx, const std::string& key);
  // Reads commit/<key> to learn other nodes' commits (see commit_lookup_interval_ms).
  void look_up_commit(Context& ctx, const std::string& key);
  void on_commit_read_done(Context& ctx, const std::string& key, RpcResult result);
  // lin-kv holds `stored` for the key: merge it and cas again if still ahead.
  void merge_remote_commit(Context& ctx, const std::string& key, int64_t stored);
  void finish_flush(const std::string& key);

  LinKvConfig config_;
  uint64_t next_tag_ = 0;
  std::map<std::string, KeyState, std::less<>> keys_;
  std::map<std::string, CommitState, std::less<>> commits_;
  std::set<std::string, std::less<>> dirty_commits_;
  struct CommitLookup {
    bool in_flight = false;
    int64_t last_ms = -1'000'000;
  };
  std::map<std::string, CommitLookup, std::less<>> commit_lookups_;
  int32_t lookups_in_flight_ = 0;
  int32_t flushes_in_flight_ = 0;
  // What check_invariants() saw last time: committed offsets must not fall.
  mutable std::map<std::string, int64_t, std::less<>> checked_commits_;
};

}  // namespace eddy::core::kafka
