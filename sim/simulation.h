// Simulation: one deterministic run. It builds the world (network, nodes,
// services, nemesis, workload) from SimOptions and runs the agenda until the
// workload is done. Same options, same seed: the same history, byte for byte.
//
//   SimOptions options;
//   options.seed = 42;
//   options.node_count = 3;
//   options.nemesis = {"partition"};
//   SimResult result = Simulation(options).run();
//   CheckResult verdict = checker::check_kafka(result.history);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/history.h"
#include "checker/linkv_history.h"
#include "sim/history_feed.h"
#include "sim/network.h"
#include "sim/options.h"

namespace eddy::sim {

struct SimResult {
  checker::History history;             // kafka runs
  checker::LinKvHistory linkv_history;  // lin-kv runs
  NetStats net;
  std::vector<JournalEntry> journal;                // when options.journal
  std::vector<std::vector<std::string>> node_logs;  // when options.node_logs
  std::map<std::string, int64_t> service_requests;  // by service name, every request handled
  int64_t events = 0;                               // agenda events processed
  int64_t node_steps = 0;                           // core::Node::step calls
  TimeUs end_us = 0;                                // virtual time at the end
  std::string abort_reason;  // non-empty if the run could not complete (init failed)
  // Leader faults (--nemesis partition-leader, crash-leader): per fault, the
  // virtual time until a new leader served; and those healed before one did.
  std::vector<TimeUs> leader_recoveries;
  int64_t leader_faults_unrecovered = 0;
  // Kafka: keys that some ok poll of the final phase asked for and read to
  // the end of (a short page); see sim/fuzz.h's judge.
  std::set<std::string> final_read_to_end;
  // Process mode: what the node binaries did wrong (ProcessHost::problems),
  // node by node; such a run is invalid.
  std::vector<std::string> node_problems;
  int64_t node_problems_dropped = 0;
  // Process mode: how late the runner handled each agenda event (a delivery,
  // a client's next op) after the virtual time it was due, in µs, counted in
  // power-of-two buckets: [0] < 1 µs, [k] in [2^(k-1), 2^k) µs.
  std::vector<int64_t> lateness_log2_us;
  // Process mode: the most messages ever in flight at once (sent, neither
  // received nor dropped), which backpressure bounds.
  int64_t max_in_flight = 0;
  // Wall time the run waited after its last event for the history's thread
  // (sim/history_feed.h) to read every entry: how far behind the run that
  // thread was. For eddy-sim's timing line only; never in a run's output.
  double history_wait_s = 0;
};

// Called now and then (every few thousand events) with the virtual time and
// the number of history entries so far; the CLI prints progress from it.
using ProgressFn = std::function<void(TimeUs now_us, size_t history_entries)>;

// Readers of the history while the run records it (sim/history_feed.h): the
// one for the run's workload is called on a thread of its own with every op,
// in order, and run() returns once it has seen them all. What it does must
// not touch the run; writing history.jsonl and the checker's passes that
// read the history alone are what it is for.
struct HistoryReaders {
  HistoryFeed<checker::Op>::Reader kafka;
  HistoryFeed<checker::LinKvOp>::Reader linkv;
};

class Simulation {
 public:
  explicit Simulation(SimOptions options);
  ~Simulation();
  SimResult run(const ProgressFn& progress = {}, const HistoryReaders& readers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A strategy eddy-sim can run: core's (core/strategy.h) and those registered
// with register_strategy() (the broken variants of the tests).
struct KnownStrategy {
  std::string name;
  std::vector<std::string> workloads;  // kafka, lin-kv or both; the first is its default
  std::string summary;
};

// The application factory for a strategy name, or an error naming the known
// ones.
// `options` (the --raft-* flags) reach core's strategies and those
// registered with register_tuned_strategy().
core::Result<ApplicationFactory, std::string> application_factory(
    const std::string& strategy, const core::StrategyOptions& options = {});
void register_strategy(std::string name, std::string workload, std::string summary,
                       ApplicationFactory factory);
// A strategy whose nodes take the run's StrategyOptions (the broken raft
// variants: a flaw on top of the tuning the run asks for).
using TunedFactory = std::function<ApplicationFactory(const core::StrategyOptions&)>;
void register_tuned_strategy(std::string name, std::string workload, std::string summary,
                             TunedFactory factory);
// Every name application_factory() accepts, core's first.
std::vector<KnownStrategy> known_strategies();
// The workloads `strategy` serves, its default first (as KnownStrategy's);
// empty if it is unknown.
std::vector<std::string> workloads_of(const std::string& strategy);

}  // namespace eddy::sim
