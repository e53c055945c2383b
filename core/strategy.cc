#include "core/strategy.h"

#include "core/kafka/gossip.h"
#include "core/kafka/leader.h"
#include "core/kafka/linkv.h"
#include "core/kafka/single_node.h"
#include "core/kv/proxy.h"
#include "core/kv/raft_kv.h"

namespace eddy::core {

bool StrategyInfo::serves(std::string_view workload) const {
  for (const std::string_view served : workloads) {
    if (served == workload) return true;
  }
  return false;
}

std::string StrategyInfo::workloads_text() const {
  std::string text;
  for (const std::string_view served : workloads) {
    text += (text.empty() ? "" : ", ") + std::string(served);
  }
  return text;
}

const std::vector<StrategyInfo>& strategies() {
  static const std::vector<StrategyInfo> kStrategies{
      {"gossip",
       {kKafkaWorkload},
       "every node serves every request from its own offset class; batched gossip with "
       "watermarks keeps polls gap-free (challenge 5c)"},
      {"leader",
       {kKafkaWorkload},
       "a leader elected by cas on lin-kv's cluster_leader key serves everything; the others "
       "forward to it (seed 004)"},
      {"linkv",
       {kKafkaWorkload},
       "every log lives in Maelstrom's lin-kv, appended by cas on cached chunks; any node "
       "serves any request (challenge 5b)"},
      {"single",
       {kKafkaWorkload},
       "one node owns every log (challenge 5a); refuses multi-node clusters"},
      {"proxy",
       {kLinKvWorkload},
       "every read, write and cas is forwarded to Maelstrom's lin-kv service (linearizable by "
       "construction)"},
      {"raft",
       {kLinKvWorkload, kKafkaWorkload},
       "the nodes replicate the store and the kafka logs in one Raft log (PreVote, "
       "CheckQuorum, ReadIndex, snapshots); followers forward to the leader"},
  };
  return kStrategies;
}

const StrategyInfo* find_strategy(std::string_view name) {
  for (const StrategyInfo& info : strategies()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

std::string_view default_strategy(std::string_view workload) {
  return workload == kLinKvWorkload ? "proxy" : "gossip";
}

std::string check_strategy_options(const StrategyOptions& options) {
  const kv::RaftKvOptions& raft = options.raft;
  // A follower must hear several heartbeats within its timeout, or it runs
  // for election while its leader is well.
  if (raft.heartbeat_ms * 2 > raft.election_timeout_ms) {
    return "--raft-heartbeat-ms (" + std::to_string(raft.heartbeat_ms) +
           ") must be at most half of --raft-election-timeout-ms (" +
           std::to_string(raft.election_timeout_ms) + ")";
  }
  return {};
}

Result<std::unique_ptr<Application>, std::string> make_strategy(std::string_view name,
                                                                const StrategyOptions& options) {
  if (name == "single")
    return std::unique_ptr<Application>(std::make_unique<kafka::SingleNodeKafka>());
  if (name == "gossip") return std::unique_ptr<Application>(std::make_unique<kafka::GossipKafka>());
  if (name == "leader") return std::unique_ptr<Application>(std::make_unique<kafka::LeaderKafka>());
  if (name == "linkv") return std::unique_ptr<Application>(std::make_unique<kafka::LinKvKafka>());
  if (name == "proxy") return std::unique_ptr<Application>(std::make_unique<kv::ProxyKv>());
  if (name == "raft") {
    return std::unique_ptr<Application>(std::make_unique<kv::RaftKv>(options.raft));
  }
  std::string known;
  for (const StrategyInfo& info : strategies()) {
    known += (known.empty() ? "" : ", ") + std::string(info.name);
  }
  return Err{"unknown strategy '" + std::string(name) + "' (known: " + known + ")"};
}

}  // namespace eddy::core
