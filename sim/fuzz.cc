#include "sim/fuzz.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "core/random.h"
#include "sim/simulation.h"

namespace eddy::sim {

SimOptions random_scenario(const std::string& strategy, uint64_t seed) {
  core::Rng rng = core::Rng(seed).stream("scenario");
  SimOptions o;
  o.seed = seed;
  o.strategy = strategy;
  // A strategy that serves several workloads (raft: lin-kv and kafka) runs
  // each in turn of seeds, drawn from a stream of its own so that every
  // other draw stays where it was.
  const std::vector<std::string> workloads = workloads_of(strategy);
  o.workload = workloads.empty()
                   ? std::string()
                   : workloads[core::Rng(seed).stream("scenario-workload").below(workloads.size())];
  o.node_count = strategy == "single" ? 1 : static_cast<int>(rng.between(1, 5));
  o.concurrency = o.node_count * static_cast<int>(rng.between(1, 3));
  // lin-kv's groups of 2n threads (jepsen independent/concurrent-generator).
  if (o.workload == "lin-kv")
    o.concurrency = 2 * o.node_count * (o.concurrency > o.node_count ? 2 : 1);
  // 5 (Maelstrom's default) .. 10000, log-uniform: a low rate leaves a new
  // leader's first round trips without requests of its own term, where
  // Raft's figure-8 rule matters.
  o.rate_per_s = std::round(5.0 * std::pow(2000.0, rng.unit()));
  o.time_limit_s = static_cast<double>(rng.between(1, 3));
  o.latency_ms = rng.chance(0.25) ? 0 : rng.between(1, 100);
  o.latency_dist = static_cast<LatencyDist>(rng.below(3));
  o.delivery = rng.chance(0.7) ? DeliveryModel::kMaelstrom : DeliveryModel::kIdeal;
  for (const char* fault : {"partition", "one-way", "pause"}) {
    if (rng.chance(0.3)) o.nemesis.emplace_back(fault);
  }
  o.nemesis_interval_s = static_cast<double>(rng.between(1, 4));
  if (rng.chance(0.25)) o.loss_p = static_cast<double>(rng.between(1, 20)) / 100;
  // The proxy forwards each request to lin-kv, which applies a duplicated one
  // twice, perhaps after the client's reply: no stateless proxy survives
  // duplication (Maelstrom never duplicates), so its scenarios have none.
  const bool duplicates = rng.chance(0.25);
  if (duplicates && strategy != "proxy") {
    o.duplicate_p = static_cast<double>(rng.between(1, 20)) / 100;
  }
  if (rng.chance(0.2)) {
    o.spike_p = static_cast<double>(rng.between(1, 5)) / 100;
    o.spike_ms = rng.between(100, 2000);
  }
  // Kafka's knobs (drawn for every workload, so that each scenario's other
  // draws stay where they are).
  const bool kafka = o.workload == "kafka";
  if (rng.chance(0.2)) {
    const auto poll_max = static_cast<int32_t>(rng.between(1, 8));
    if (kafka) o.limits.poll_msgs_per_key_max = poll_max;
  }
  if (rng.chance(0.2) && kafka) o.maelstrom_assign_bug = true;
  if (strategy_persists(strategy)) {
    // Process and disk faults, from a stream of their own so that every
    // draw above stays where it was.
    core::Rng faults = core::Rng(seed).stream("scenario-process");
    if (faults.chance(0.5)) o.nemesis.emplace_back("crash");
    o.torn_writes = faults.chance(0.5);
    if (faults.chance(0.3)) {
      o.slow_disk_p = static_cast<double>(faults.between(1, 30)) / 100;
      o.slow_disk_ms = faults.between(1, 200);
    }
    if (faults.chance(0.3)) o.clock_skew_ms = faults.between(1, 1000);
    // Faults aimed at the leader (drawn last, so the draws above stay put).
    if (faults.chance(0.3)) o.nemesis.emplace_back("partition-leader");
    if (faults.chance(0.3)) o.nemesis.emplace_back("crash-leader");
    if (faults.chance(0.3)) o.nemesis.emplace_back("churn-leader");
    // Raft's flow control, batching and compaction, now and then far from
    // the defaults (a stream of its own again): one entry per append, say,
    // takes a follower's catch-up through many rounds.
    core::Rng tuning = core::Rng(seed).stream("scenario-raft");
    core::kv::RaftKvOptions& raft = o.strategy_options.raft;
    if (tuning.chance(0.3))
      raft.max_entries_per_append = static_cast<size_t>(tuning.between(1, 16));
    if (tuning.chance(0.2)) raft.max_rounds_outstanding = tuning.between(2, 4);
    if (tuning.chance(0.2)) raft.batch_window_ms = tuning.between(0, 20);
    if (tuning.chance(0.2)) raft.compact_after_entries = tuning.between(5, 200);
  }
  return o;
}

bool strategy_persists(const std::string& strategy) {
  return strategy == "raft" || strategy.starts_with("raft-") || strategy.starts_with("broken:raft");
}

bool unseen_for_want_of_reads(const checker::History& history,
                              const std::set<std::string>& read_to_end) {
  std::set<std::pair<std::string, int64_t>> polled;
  for (const checker::Op& op : history) {
    if (op.f != checker::OpF::kPoll || op.type != checker::OpType::kOk) continue;
    for (const checker::PolledKey& key : op.polled) {
      for (const checker::PolledRecord& record : key.records)
        polled.emplace(key.key, record.offset);
    }
  }
  bool unseen = false;
  for (const checker::Op& op : history) {
    if (op.f == checker::OpF::kSend && op.type == checker::OpType::kOk && op.offset &&
        !polled.contains({op.key.str(), *op.offset})) {
      if (read_to_end.contains(op.key.str())) return false;
      unseen = true;
    }
  }
  return unseen;
}

Judgement judge(const SimOptions& options, const RunCheck& check, const SimResult& result) {
  Judgement judgement;
  const auto has = [&](const char* fault) {
    return std::find(options.nemesis.begin(), options.nemesis.end(), fault) !=
           options.nemesis.end();
  };
  const bool only_unseen =
      check.kafka && check.kafka->bad_anomaly_types ==
                         std::vector<std::string>{std::string(checker::anomaly::kUnseen)};
  if (!result.abort_reason.empty()) {
    judgement.safety = "run aborted: " + result.abort_reason;
  } else if (only_unseen && unseen_for_want_of_reads(result.history, result.final_read_to_end)) {
    judgement.liveness =
        "not live: the final polls never read to the end of a key with unseen sends (" +
        check.workload_problem + ")";
    return judgement;
  } else if (!check.workload_problem.empty()) {
    judgement.safety = check.workload_problem;
  } else if (check.validity == checker::Validity::kUnknown) {
    judgement.safety = "unknown verdict: " + check.unknown_reason;
  }
  if (!has("pause") && !has("crash") && !has("crash-leader") && !has("churn-leader") &&
      !check.stats_problems.empty()) {
    judgement.liveness = "not live: " + check.stats_problems.front();
  }
  return judgement;
}

}  // namespace eddy::sim
