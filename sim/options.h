// SimOptions: everything that decides a simulated run. The same options and
// seed give byte-identical history and report. Field names follow
// Maelstrom's flags (maelstrom core.clj) where one exists; the rest are the
// faults and knobs Eddy adds, each off by default.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/application.h"
#include "core/limits.h"
#include "core/strategy.h"

namespace eddy::sim {

enum class LatencyDist : uint8_t { kConstant, kUniform, kExponential };

// How an endpoint takes messages off its queue.
//  kMaelstrom: as maelstrom net.clj recv!: take the earliest-deadline message
//    as soon as the endpoint is free, drop it if the sender is partitioned
//    from it *then*, else wait for its deadline, blocking everything behind it.
//  kIdeal: every message is delivered at its own deadline, partitions checked
//    at delivery; no head-of-line blocking.
enum class DeliveryModel : uint8_t { kMaelstrom, kIdeal };

// Builds the application a node runs; the default comes from --strategy.
using ApplicationFactory = std::function<std::unique_ptr<core::Application>(int node_index)>;

struct SimOptions {
  uint64_t seed = 0;
  std::string workload = "kafka";
  std::string strategy = "gossip";
  int node_count = 1;
  int concurrency = 2;  // clients; "2n" is resolved by the CLI
  double time_limit_s = 20;
  double rate_per_s = 1000;  // ops/s over all clients (jepsen stagger 1/rate)

  // Network (maelstrom net.clj): latency applies to node<->node and
  // node<->service messages; clients have none.
  int64_t latency_ms = 0;
  LatencyDist latency_dist = LatencyDist::kConstant;
  DeliveryModel delivery = DeliveryModel::kMaelstrom;

  // Nemesis: faults started and stopped alternately, a gap of U[0, 2*interval)
  // apart (jepsen combined.clj partition package). "partition" is Maelstrom's;
  // "one-way", "pause" and "crash" are Eddy's.
  std::vector<std::string> nemesis;
  double nemesis_interval_s = 10;

  // Process and disk faults, Eddy's (sim/node_host.h has the exact models):
  // a crash may tear the node's last write (the nemesis's coin, p 1/2) when
  // nothing has left the node since it began.
  bool torn_writes = false;
  // Each node's clock is ahead of the simulator's by a constant
  // clock_skew_ms + U[-clock_skew_ms, clock_skew_ms].
  int64_t clock_skew_ms = 0;
  // A PersistEffect takes slow_disk_ms to become durable with this
  // probability; the node's later effects wait behind it.
  double slow_disk_p = 0;
  int64_t slow_disk_ms = 100;

  // Per-message faults on server traffic (node<->node, node<->service), Eddy's:
  double loss_p = 0;       // dropped at send
  double duplicate_p = 0;  // delivered twice, each copy with its own latency
  double spike_p = 0;      // delayed by an extra spike_ms
  int64_t spike_ms = 1000;

  // Kafka workload (jepsen tests/kafka.clj as Maelstrom configures it).
  int key_count = 10;            // active key slots
  int max_writes_per_key = 16;   // maelstrom --max-writes-per-key
  double assign_p = 1.0 / 8;     // chance an op request becomes an assign
  double crash_interval_s = 30;  // one client crash per crash_interval_s / concurrency
  // Client RPC timeout; unset means the workload's own (client_timeout_ms()).
  std::optional<int64_t> client_timeout_ms;
  // Maelstrom 0.2.x reads committed offsets from the wrong map, so a newly
  // assigned key starts at 0. Eddy's client uses them as intended (resumes at
  // the committed offset) unless this is set.
  bool maelstrom_assign_bug = false;
  double recovery_s = 10;          // sleep between the main and the final phase
  double final_time_limit_s = 10;  // final polls stop after this

  // Lin-kv workload (jepsen tests/linearizable_register.clj): a key is given
  // up once this many processes have worked on it (gen/process-limit).
  int process_limit = 20;

  // Node configuration.
  core::Limits limits;
  core::StrategyOptions strategy_options;  // the --raft-* flags
  // Process mode (`--bin`): every node is this binary, run as a child process
  // in real time (sim/process/process_host.h), instead of `strategy`.
  std::string bin;  // as given; resolved on PATH when it has no '/'
  std::vector<std::string> bin_args;
  // Process mode: the run stops, as if interrupted, once this reads true
  // (eddy-sim sets it from SIGINT and SIGTERM). Null: never.
  const std::atomic<bool>* interrupted = nullptr;
  ApplicationFactory application_factory;  // overrides `strategy` when set

  // Checks and output.
  int64_t invariant_check_every_steps = 1024;  // 1 = after every step
  bool journal = false;                        // keep every message for journal.jsonl
  bool node_logs = false;                      // keep nodes' log effects
  // Write report.html into the run folder (--no-report turns it off, for
  // benchmarks; the fuzz campaign writes no run folder at all).
  bool html_report = true;
  // Leave out the agenda events that would do nothing: a delivery loop's
  // wake-up with nothing queued (Network::elide_idle_dequeues), an answered
  // call's timeout (ClientTimeouts). The same run either way, in less time;
  // off only for the test that says so.
  bool elide_no_op_events = true;
};

// The client timeout a run uses: the option if set, else the workload's:
// kafka 5000 ms (maelstrom client.clj default-timeout), lin-kv
// max(10 x mean latency, 1000) ms (maelstrom workload/lin_kv.clj).
int64_t client_timeout_ms(const SimOptions& options);

}  // namespace eddy::sim
