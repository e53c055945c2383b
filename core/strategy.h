// Every strategy a node can run, for every workload, by the name `--strategy`
// takes: the kafka strategies (core/kafka/) and the lin-kv ones (core/kv/).
// eddy-node and eddy-sim both choose from this one table.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/application.h"
#include "core/result.h"

namespace eddy::core {

inline constexpr std::string_view kKafkaWorkload = "kafka";
inline constexpr std::string_view kLinKvWorkload = "lin-kv";

struct StrategyInfo {
  std::string_view name;
  std::string_view workload;  // the Maelstrom workload it serves: kafka or lin-kv
  std::string_view summary;
};

// Every strategy, in the order --help lists them.
const std::vector<StrategyInfo>& strategies();

// The row of a strategy, or nullptr.
const StrategyInfo* find_strategy(std::string_view name);

// The strategy a workload runs when none is named: gossip for kafka, proxy
// for lin-kv.
std::string_view default_strategy(std::string_view workload);

// A fresh instance of the named strategy, or an error naming the known ones.
Result<std::unique_ptr<Application>, std::string> make_strategy(std::string_view name);

}  // namespace eddy::core
