// SimCluster: a whole cluster of the raft strategy run inside the core, for
// partition_test (core/partition_test.h). `size` core::Node objects, each
// running core::kv::RaftKv (the real strategy, unchanged), connected by an
// in-process network with its own virtual clock. Everything happens inside
// the caller's call: no thread, no clock, no I/O; one Rng decides every
// choice, so the same seed gives the same run.
//
// How it works: one agenda ordered by (due_ms, insertion order) holds message
// deliveries, the nodes' timers and the caller's callbacks; step() takes the
// earliest, moves the clock to it and runs it. A node's effects become
// agenda items: a SendEffect a delivery after a latency drawn uniformly from
// [kLatencyMsMin, kLatencyMsMax]; a SetTimerEffect its timer (set again, it
// moves, as core/event.h says). Logs are dropped, and so are PersistEffects:
// no node crashes here, so nothing persisted would ever be read back.
//
// The network: links between nodes can be cut (partition); a message crosses
// only if its link is up both when it is sent and when it is due. Links to
// and from clients (any name that is not a node) are never cut, as
// Maelstrom's nemesis never cuts its clients. Nodes are named n1..n<size>;
// init reaches every node at time 0 from kInitClient, whose replies are
// dropped; other messages to clients go to the caller's ClientInbox.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/event.h"
#include "core/kv/raft_kv.h"
#include "core/node.h"
#include "core/random.h"

namespace eddy::core {

class SimCluster {
 public:
  static constexpr int64_t kLatencyMsMin = 1;
  static constexpr int64_t kLatencyMsMax = 5;
  static constexpr std::string_view kInitClient = "c0";

  // Called with every message a node sends to a client, when it arrives.
  using ClientInbox = std::function<void(Message message)>;

  // A node becoming leader of a term, seen after the step that made it so.
  struct Election {
    int64_t at_ms = 0;
    int64_t term = 0;
    std::string leader;
  };

  // `size` >= 1 nodes. Each node's seed, and the network's draws, come from
  // `rng`. The nodes run RaftKv with default Limits and `options` (the
  // defaults but in tests of broken variants), so a run depends on nothing
  // but `rng` and what the caller does.
  SimCluster(int size, const Rng& rng, ClientInbox inbox, const kv::RaftKvOptions& options = {});

  int64_t now_ms() const { return now_ms_; }
  const std::vector<std::string>& names() const { return names_; }
  size_t size() const { return members_.size(); }

  // A client's request, delivered to message.dest (a node) after a latency.
  void send_from_client(Message message);
  // Runs `callback` at `due_ms` (not before now), in agenda order.
  void at(int64_t due_ms, std::function<void()> callback);
  // Runs the earliest agenda item; false when the agenda is empty.
  bool step();

  // Cuts every link between the nodes of `side` and the others until heal().
  void partition(const std::vector<std::string>& side);
  void heal();
  bool partitioned() const { return partitioned_; }

  // The node that believes it leads in the highest term; "" when none does.
  std::string leader() const;
  // Every node that became leader, with its term, in the order seen.
  const std::vector<Election>& elections() const { return elections_; }

 private:
  using AgendaKey = std::pair<int64_t, uint64_t>;  // (due_ms, insertion sequence)
  struct Member {
    std::string name;
    Node node;
    const kv::RaftKv* app = nullptr;      // owned by `node`
    std::map<TimerId, AgendaKey> timers;  // pending timers, to move one that is set again
    int64_t led_term = 0;                 // the newest term it was seen leading
  };
  struct Delivery {
    Message message;
  };
  struct NodeTimer {
    size_t member = 0;
    TimerId timer;
  };
  struct Callback {
    std::function<void()> run;
  };
  using Item = std::variant<Delivery, NodeTimer, Callback>;

  AgendaKey schedule(int64_t due_ms, Item item);
  // Steps member `index` with `event` and turns its effects into agenda items.
  void run_member(size_t index, Event event);
  void route(size_t from, Message message);
  void deliver(Message message);
  bool link_up(size_t a, size_t b) const;
  // The index of the node called `name`, or size() for a client.
  size_t member_of(const std::string& name) const;

  std::vector<std::string> names_;
  std::vector<Member> members_;
  std::map<std::string, size_t> index_;
  Rng network_;
  ClientInbox inbox_;
  std::map<AgendaKey, Item> agenda_;
  uint64_t next_seq_ = 0;
  int64_t now_ms_ = 0;
  bool partitioned_ = false;
  std::vector<bool> on_side_;  // per member: in the partitioned side
  std::vector<Election> elections_;
  std::vector<Effect> effects_;  // reused across steps
};

}  // namespace eddy::core
