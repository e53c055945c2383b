// LeaderKafka: the `leader` strategy (seed 004). One node, elected through
// Maelstrom's lin-kv, owns every log; every other node forwards each request
// to it and relays the answer. docs/strategy-leader.md has the full argument
// and the measurements.
//
// Election. At init every node sends lin-kv
//   cas {key: "cluster_leader", from: <own id>, to: <own id>, create_if_not_exists: true}
// lin-kv stores `to` on a missing key without comparing (maelstrom
// service.clj), so the first cas to reach the service creates the key and
// wins. Because `from` is the sender's own id, the only cas that can ever
// succeed on the existing key is the winner's, and it writes the same value:
// the key is set once and never changes. The same fact makes the cas
// idempotent: a node whose cas timed out retries it, and cas_ok means "the
// key names me" whether the first attempt won or not; error 22 means it names
// somebody else, and the node then reads the key to learn who. Timeouts and
// other errors are retried with capped, jittered backoff. A one-node cluster
// skips lin-kv and leads at once. Non-candidates (Options::candidate) only
// read the key, retrying until a candidate has created it.
//
// Safety (what the checker can see):
//  - one log: lin-kv is linearizable and the key never changes, so every node
//    learns the same leader, and only that node ever stores a record or a
//    committed offset. Offsets come from one KafkaLog, as in `single`: unique,
//    increasing per key, gap-free polls, commits that never go backwards.
//  - followers hold no state and answer nothing from it: a follower's reply is
//    the leader's reply body, or an error.
//  - errors are definite only when nothing happened: error 11 for a request
//    that was never forwarded (no leader known in time, too many forwards in
//    flight) or that the leader refused before acting; a forward that got no
//    reply in time is answered with code 0 (indefinite), since the leader may
//    have acted on it.
//  - the network may duplicate a forward (Eddy's --duplicate-p fault). The
//    leader remembers the msg_ids of recent forwards per peer, from the moment
//    they arrive (even before it knows it leads), and drops a repeat without a
//    reply, so a send is never appended twice, and a copy can never be refused
//    definitely while its twin is applied.
//
// The leader never changes during a run. Maelstrom partitions nodes but never
// crashes them, and the leader's log exists nowhere else: moving leadership
// would lose every acknowledged record. The cost: while a follower is cut off
// from the leader (or the leader is paused) that follower serves nothing, and
// its clients get indefinite timeouts after rpc_timeout_ms.
//
// Bounds: requests waiting for the election, forwards in flight, and the
// duplicate-detection window per peer are all capped (Options).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/application.h"
#include "core/kafka/log.h"

namespace eddy::core::kafka {

class LeaderKafka final : public Application {
 public:
  struct Options {
    // The lin-kv key the election writes (seed 004's name).
    std::string election_key = "cluster_leader";
    // A node that is not a candidate never writes the key: it reads it until
    // some candidate has created it, then follows. At least one node must be
    // a candidate. Lets an operator (or a test) choose where the leader runs.
    bool candidate = true;
    // Backoff between election attempts: doubles from min to max, then a
    // uniform draw from [half, all] of it so that nodes do not retry in step.
    int64_t election_backoff_ms_min = 50;
    int64_t election_backoff_ms_max = 2000;
    // A request that arrives before the leader is known waits at most this
    // long, then gets error 11. With rpc_timeout_ms (1000) for the forward
    // that follows, a client still hears back well inside its 5000 ms.
    int64_t waiting_ms_max = 2000;
    size_t waiting_requests_max = 1024;
    // Forwards awaiting the leader's reply, at one follower.
    size_t forwards_in_flight_max = 4096;
    // msg_ids of forwards remembered per peer, at the leader.
    size_t dedupe_window_per_peer = 4096;
    // A deliberate bug, for the test suite's broken variants only
    // (tests/broken/): a forward that timed out is answered with error 11,
    // a definite error, although the leader may have acted on it.
    bool flaw_definite_error_on_forward_timeout = false;
  };

  enum class Role { kElecting, kLeader, kFollower };

  LeaderKafka() = default;
  explicit LeaderKafka(Options options) : options_(std::move(options)) {}

  // Starts the election (or, alone in the cluster, leads at once).
  void on_init(Context& ctx) override;
  // Serves (leader), forwards (follower) or holds (electing) the four kafka
  // requests; returns false for any other body type.
  bool on_request(Context& ctx, Message& request) override;
  void on_timer(Context& ctx, uint64_t arg) override;
  // The leader's log invariants, and that followers hold no log, waiting
  // requests and windows stay within their bounds, and a known leader is one
  // of the cluster's nodes.
  void check_invariants() const override;

  Role role() const { return role_; }
  const std::string& leader() const { return leader_; }  // empty while electing
  const KafkaLog& log() const { return log_; }
  size_t waiting_requests() const { return waiting_.size(); }
  size_t forwards_in_flight() const { return forwards_in_flight_; }

  // Application timer arguments.
  static constexpr uint64_t kElectionRetryTimer = 1;
  static constexpr uint64_t kWaitingDeadlineTimer = 2;

 private:
  struct Waiting {
    Message request;
    int64_t deadline_ms;
  };
  struct PeerWindow {
    // Every msg_id <= floor counts as already seen: it was evicted from
    // `seen`, or is older than anything that was.
    int64_t floor = std::numeric_limits<int64_t>::min();
    std::set<int64_t> seen;  // each > floor; at most dedupe_window_per_peer
  };

  // Election.
  void start_cas(Context& ctx);
  void on_cas(Context& ctx, RpcResult result);
  void start_read(Context& ctx);
  void on_read(Context& ctx, RpcResult result);
  void retry_election(Context& ctx, const std::string& why);
  void become_leader(Context& ctx);
  void become_follower(Context& ctx, std::string leader);

  // Requests.
  bool is_peer(const std::string& name) const { return peers_.contains(name); }
  bool first_delivery(Context& ctx, const Message& request);
  void wait_for_leader(Context& ctx, Message request);
  void expire_waiting(Context& ctx);
  void dispatch(Context& ctx, Message& request);
  void forward(Context& ctx, Message& request);
  void serve(Context& ctx, Message& request);

  Options options_;
  Role role_ = Role::kElecting;
  std::string leader_;
  std::set<std::string, std::less<>> peers_;  // every node of the cluster
  int election_attempts_ = 0;
  bool election_call_in_flight_ = false;

  std::deque<Waiting> waiting_;  // FIFO; deadlines non-decreasing
  size_t forwards_in_flight_ = 0;
  std::map<std::string, PeerWindow, std::less<>> windows_;  // leader (and electing) only
  KafkaLog log_;                                            // leader only
};

}  // namespace eddy::core::kafka
