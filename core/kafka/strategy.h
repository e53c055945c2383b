// The kafka replication strategies, by the name `--strategy` takes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/application.h"
#include "core/result.h"

namespace eddy::core::kafka {

struct StrategyInfo {
  std::string_view name;
  std::string_view summary;
};

// Every strategy, in the order --help lists them.
const std::vector<StrategyInfo>& strategies();

// A fresh instance of the named strategy, or an error naming the known ones.
Result<std::unique_ptr<Application>, std::string> make_strategy(std::string_view name);

}  // namespace eddy::core::kafka
