// Every strategy a node can run, for every workload, by the name `--strategy`
// takes: the kafka strategies (core/kafka/), the lin-kv ones (core/kv/), and
// raft, which serves both. eddy-node and eddy-sim both choose from this one
// table. A node tells the workloads apart by the requests it gets (their
// types never overlap), so a strategy may serve more than one.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/application.h"
#include "core/kv/raft_kv.h"
#include "core/result.h"

namespace eddy::core {

inline constexpr std::string_view kKafkaWorkload = "kafka";
inline constexpr std::string_view kLinKvWorkload = "lin-kv";

struct StrategyInfo {
  std::string_view name;
  // The Maelstrom workloads it serves (kafka, lin-kv); at least one, the
  // first being the one it is listed under.
  std::vector<std::string_view> workloads;
  std::string_view summary;

  bool serves(std::string_view workload) const;
  // The workloads as --help lists them: "kafka", or "lin-kv, kafka".
  std::string workloads_text() const;
};

// Every strategy, in the order --help lists them.
const std::vector<StrategyInfo>& strategies();

// The row of a strategy, or nullptr.
const StrategyInfo* find_strategy(std::string_view name);

// The strategy a workload runs when none is named: gossip for kafka, proxy
// for lin-kv (each serves that workload).
std::string_view default_strategy(std::string_view workload);

// What a user may set of a strategy beyond its name (the --raft-* flags).
struct StrategyOptions {
  kv::RaftKvOptions raft;  // for raft (its flaws stay off: tests/broken sets those)
};

// Why `options` cannot run (a heartbeat longer than half the election
// timeout), or empty.
std::string check_strategy_options(const StrategyOptions& options);

// A fresh instance of the named strategy, or an error naming the known ones.
Result<std::unique_ptr<Application>, std::string> make_strategy(
    std::string_view name, const StrategyOptions& options = {});

}  // namespace eddy::core
