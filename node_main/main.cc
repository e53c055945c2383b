// eddy-node: a Maelstrom node binary. Maelstrom starts one process per node
// and talks to it on stdin/stdout; everything of substance is in core/.
// With --data-dir, the node's PersistEffects go to a file there
// (node_main/persist_file.h), and a node started on an existing file is
// restored from it before its first step (docs/persistence.md).
#include <signal.h>

#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "core/node.h"
#include "core/strategy.h"
#include "node_main/persist_file.h"
#include "node_main/raft_flags.h"
#include "node_main/stdio_driver.h"

int main(int argc, char** argv) {
  using namespace eddy;
  CLI::App app{
      "eddy-node: a node for Maelstrom's kafka and lin-kv workloads.\n"
      "Speaks Maelstrom's JSON-lines protocol on stdin/stdout and logs on stderr.\n"
      "Run it under Maelstrom, e.g.:\n"
      "  ./maelstrom test -w kafka --bin build/release/node_main/eddy-node \\\n"
      "      --node-count 1 --concurrency 2n --time-limit 20 --rate 1000"};
  app.get_formatter()->column_width(44);

  // The efficient kafka strategy is the default (docs/strategy-gossip.md);
  // lin-kv needs --strategy proxy (or EDDY_STRATEGY=proxy).
  std::string strategy(core::default_strategy(core::kKafkaWorkload));
  std::string strategy_help = "replication strategy:";
  for (const auto& info : core::strategies()) {
    strategy_help += "\n  " + std::string(info.name) + " (" + info.workloads_text() +
                     "): " + std::string(info.summary);
  }
  // Maelstrom starts the binary without arguments of ours but passes its
  // environment on, so the strategy can also come from EDDY_STRATEGY.
  app.add_option("--strategy", strategy, strategy_help)
      ->capture_default_str()
      ->envname("EDDY_STRATEGY");

  core::Limits limits;
  app.add_option("--line-bytes-max", limits.line_bytes_max,
                 "longest input line decoded; longer ones get error 12")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{256}, int64_t{1} << 30));
  app.add_option("--json-depth-max", limits.json_depth_max,
                 "deepest JSON nesting decoded; deeper lines get error 12")
      ->capture_default_str()
      ->check(CLI::Range(4, 10'000));
  app.add_option("--poll-msgs-per-key-max", limits.poll_msgs_per_key_max,
                 "messages returned per key by one poll")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20));
  app.add_option("--poll-msgs-total-max", limits.poll_msgs_total_max,
                 "messages returned by one poll in all")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  app.add_option("--request-keys-max", limits.request_keys_max,
                 "keys one poll/commit_offsets/list_committed_offsets may name")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  app.add_option("--key-bytes-max", limits.key_bytes_max, "longest log key accepted")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 24));
  app.add_option("--rpc-timeout-ms", limits.rpc_timeout_ms,
                 "default deadline of a call to another node or service")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{3'600'000}));

  app.add_option("--verify-history-records-max", limits.verify_history_records_max,
                 "verify_linearizability: records one history may hold (more: error 12)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 26));
  app.add_option("--verify-search-states-max", limits.verify_search_states_max,
                 "verify_linearizability: search states before the answer is error 13 (unknown)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  app.add_option("--partition-test-cluster-size-max", limits.partition_test_cluster_size_max,
                 "partition_test: largest simulated cluster (more: error 12)")
      ->capture_default_str()
      ->check(CLI::Range(1, 25));
  app.add_option("--partition-test-operations-max", limits.partition_test_operations_max,
                 "partition_test: most ops one run may drive (more: error 12)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1'000'000));
  app.add_option("--partition-test-virtual-ms-max", limits.partition_test_virtual_ms_max,
                 "partition_test: virtual time after which no further op is invoked")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{86'400'000}));

  uint64_t seed = 0;
  app.add_option("--seed", seed, "seed of the node's random choices (core::Rng)")
      ->capture_default_str();
  node_main::DriverOptions driver_options;
  app.add_option("--held-line-bytes-max", driver_options.held_line_bytes_max,
                 "longest line held in memory at all; longer ones are dropped unread and logged")
      ->capture_default_str()
      ->check(CLI::Range(size_t{256}, size_t{1} << 32));
  std::string data_dir;
  app.add_option("--data-dir", data_dir,
                 "directory of the node's durable state: its persist effects are appended to "
                 "DIR/eddy.persist and fsync'd before anything that follows, and read back on "
                 "start (one directory per node; default: none, state is in memory only)");
  core::StrategyOptions strategy_options;
  node_main::add_raft_flags(app, strategy_options.raft);
  bool verbose = false;
  bool quiet = false;
  app.add_flag("--verbose", verbose, "also log debug lines (dropped late replies, ...)");
  app.add_flag("--quiet", quiet, "log warnings only");
  CLI11_PARSE(app, argc, argv);

  if (verbose) driver_options.log_level_min = core::LogLevel::kDebug;
  if (quiet) driver_options.log_level_min = core::LogLevel::kWarn;
  if (driver_options.held_line_bytes_max < static_cast<size_t>(limits.line_bytes_max)) {
    std::cerr << "eddy-node: --held-line-bytes-max must be at least --line-bytes-max\n";
    return 2;
  }
  if (node_main::raft_flags_given(app) && strategy != "raft") {
    std::cerr << "eddy-node: the --raft-* flags are for --strategy raft, not " << strategy << '\n';
    return 2;
  }
  if (const std::string problem = core::check_strategy_options(strategy_options);
      !problem.empty()) {
    std::cerr << "eddy-node: " << problem << '\n';
    return 2;
  }
  auto application = core::make_strategy(strategy, strategy_options);
  if (!application) {
    std::cerr << "eddy-node: " << application.error() << '\n';
    return 2;
  }
  // A reader that went away must not kill us silently: write() reports EPIPE.
  ::signal(SIGPIPE, SIG_IGN);
  core::Node node(core::NodeConfig{limits, seed}, std::move(application).value());
  std::unique_ptr<node_main::PersistFile> persist_file;
  if (!data_dir.empty()) {
    auto opened = node_main::PersistFile::open(data_dir);
    if (!opened) {
      std::cerr << "eddy-node: --data-dir " << data_dir << ": " << opened.error() << '\n';
      return 2;
    }
    node_main::PersistFile::Opened& state = opened.value();
    if (state.scan.torn_bytes > 0) {
      std::cerr << "[warn] " << state.file->path() << ": dropped a torn tail of "
                << state.scan.torn_bytes << " bytes at byte " << state.scan.good_bytes << " ("
                << state.scan.torn_reason << "), kept " << state.scan.records << " records\n";
    }
    // A node that finds its file restarts from it, before its first step.
    if (state.existed) node.restore(state.scan.persisted);
    persist_file = std::move(state.file);
    driver_options.persist_file = persist_file.get();
  }
  node_main::StdioDriver driver(node, limits, driver_options);
  return driver.run();
}
