#include "core/kafka/strategy.h"

#include "core/kafka/gossip.h"
#include "core/kafka/leader.h"
#include "core/kafka/linkv.h"
#include "core/kafka/single_node.h"

namespace eddy::core::kafka {

const std::vector<StrategyInfo>& strategies() {
  static const std::vector<StrategyInfo> kStrategies{
      {"gossip",
       "every node serves every request from its own offset class; batched gossip with "
       "watermarks keeps polls gap-free (challenge 5c)"},
      {"leader",
       "a leader elected by cas on lin-kv's cluster_leader key serves everything; the others "
       "forward to it (seed 004)"},
      {"linkv",
       "every log lives in Maelstrom's lin-kv, appended by cas on cached chunks; any node "
       "serves any request (challenge 5b)"},
      {"single", "one node owns every log (challenge 5a); refuses multi-node clusters"},
  };
  return kStrategies;
}

Result<std::unique_ptr<Application>, std::string> make_strategy(std::string_view name) {
  if (name == "single") return std::unique_ptr<Application>(std::make_unique<SingleNodeKafka>());
  if (name == "gossip") return std::unique_ptr<Application>(std::make_unique<GossipKafka>());
  if (name == "leader") return std::unique_ptr<Application>(std::make_unique<LeaderKafka>());
  if (name == "linkv") return std::unique_ptr<Application>(std::make_unique<LinKvKafka>());
  std::string known;
  for (const StrategyInfo& info : strategies()) {
    known += (known.empty() ? "" : ", ") + std::string(info.name);
  }
  return Err{"unknown strategy '" + std::string(name) + "' (known: " + known + ")"};
}

}  // namespace eddy::core::kafka
