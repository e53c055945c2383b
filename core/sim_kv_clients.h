// SimKvClients: Maelstrom's lin-kv clients, for the in-core cluster of
// partition_test (core/sim_cluster.h), recording the history Jepsen would.
//
// Each client c1..c<count> has at most one op in flight. invoke() gives a
// random free client a random op (read, write or cas, a third each, on one of
// kKeys keys, values in [0, kValueMax] as Maelstrom's rand-int 5) for a
// random node, and records the invocation. The op completes with the node's
// reply or with the client's timeout, whichever comes first, as Maelstrom's
// lin-kv client decides (docs/maelstrom-semantics.md, 7.1):
//  - read_ok, write_ok, cas_ok: :ok (a read with the value it read);
//  - an error reply: :fail if its code is definite or the op is a read, else
//    :info;
//  - no reply within kTimeoutMs: :fail for a read, :info for a write or cas;
//  - any other reply: :info.
// A late reply (after the timeout) is ignored. After an :info the client's
// process becomes process + count, as Jepsen's reusable clients do, so a
// history's process never has two ops in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/kv_record.h"
#include "core/random.h"
#include "core/sim_cluster.h"

namespace eddy::core {

// What the completed ops came to, overall and for those invoked during the
// partition.
struct SimKvTally {
  int64_t invoked = 0;
  int64_t ok = 0;
  int64_t fail = 0;
  int64_t info = 0;
  int64_t invoked_during_partition = 0;
  int64_t ok_during_partition = 0;
  std::map<int32_t, int64_t> fail_by_code;  // 0: a read that timed out
};

class SimKvClients {
 public:
  static constexpr int64_t kKeys = 3;
  static constexpr int64_t kValueMax = 4;
  // Maelstrom's lin-kv client: max(10 x mean latency, 1000) ms.
  static constexpr int64_t kTimeoutMs = 1000;

  // `count` >= 1 clients over `cluster`, drawing their choices from `rng`.
  // `on_free` runs whenever an op completes (a client became free).
  SimKvClients(SimCluster& cluster, int count, Rng rng, std::function<void()> on_free);

  bool any_free() const { return busy_ < static_cast<int64_t>(clients_.size()); }
  bool any_busy() const { return busy_ > 0; }
  // Invokes a random op from a random free client; pre: any_free().
  // `during_partition` marks it for the tally.
  void invoke(bool during_partition);
  // A message the cluster delivered to a client.
  void on_message(Message message);

  const std::vector<KvHistoryRecord>& history() const { return history_; }
  std::vector<KvHistoryRecord> take_history() { return std::move(history_); }
  const SimKvTally& tally() const { return tally_; }

 private:
  struct Client {
    std::string name;
    int64_t process = 0;
    int64_t next_msg_id = 1;
    bool busy = false;
    int64_t msg_id = 0;  // of the op in flight
    KvF f = KvF::kRead;
    Value key;
    bool during_partition = false;
  };

  Body random_op(Client& client, KvHistoryRecord& invocation);
  void on_timeout(size_t index, int64_t msg_id);
  // Records the completion of client `index`'s op and frees the client.
  void complete(size_t index, KvEventType type, std::optional<Value> read_value, std::string error,
                int32_t code);

  SimCluster& cluster_;
  Rng rng_;
  std::function<void()> on_free_;
  std::vector<Client> clients_;
  std::map<std::string, size_t> index_;
  int64_t busy_ = 0;
  std::vector<KvHistoryRecord> history_;
  SimKvTally tally_;
};

}  // namespace eddy::core
