// A fuzz campaign: `eddy-sim fuzz` runs the random scenarios of sim/fuzz.h
// for seeds seed, seed+1, ..., seed+runs-1 (or the K-th of N disjoint shards
// of them) in forked worker processes, and prints their verdicts in seed
// order, so that its stdout is the same, byte for byte, for any --jobs.
//
// How it works: the parent forks `jobs` workers and sends each seeds over a
// pipe, two at a time (a worker never waits for its next seed) but one at a
// time near the end (none waits behind a long scenario while another idles).
// A worker runs the scenario in its own address space and answers with one
// JSON line (a ScenarioRecord). The parent puts the records in a
// ReorderBuffer and prints them in seed order. A worker that dies (abort(),
// a signal, an exception) costs its current seed only: that seed is a FAIL
// naming the signal and the worker's last stderr line, its queued seeds go
// back to the queue, and a new worker takes its place.
//
// The same records, with the campaign's parameters in a header and its
// totals in a footer, are what --jsonl writes and fuzz-report merges
// (sim/fuzz_report.h).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "sim/fuzz_record.h"

namespace eddy::sim {

// The K-th (0-based) of N disjoint subsets of a campaign's seeds: seed
// number i (0-based, in the campaign) is in shard i mod N, so every seed is
// in exactly one shard for any N, and a shard past the run count is empty.
struct Shard {
  int64_t index = 0;
  int64_t count = 1;
};

// Limits on the campaign's inputs.
inline constexpr int64_t kMaxRuns = 100'000'000;
inline constexpr int64_t kMaxShards = 1'000'000;
inline constexpr int kMaxJobs = 256;

// Parses "K/N" (0 <= K < N <= kMaxShards), or returns an error text.
core::Result<Shard, std::string> parse_shard(std::string_view text);
// The shard for `--shards N` without --shard: K from the environment variable
// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's pod index), or an error.
core::Result<Shard, std::string> shard_from_environment(int64_t count);
// The seeds of `shard` of the campaign seed, seed+1, ..., seed+runs-1, in
// increasing order.
std::vector<uint64_t> shard_seeds(uint64_t first_seed, int64_t runs, Shard shard);

struct CampaignOptions {
  std::string strategy = "gossip";
  int64_t runs = 100;
  uint64_t seed = 1;
  bool keep_going = true;  // false: stop at the first failure (in seed order)
  int jobs = 1;            // worker processes
  Shard shard;
  // Where the verdicts go: `text` gets the human report (deterministic),
  // `jsonl` (if not null) the header, one record per scenario, the footer.
  FILE* text = stdout;
  FILE* jsonl = nullptr;
  // Wall seconds a scenario may run before its worker is killed and the
  // seed reported as a FAIL; 0: no limit. Off by default: a limit makes the
  // verdict depend on the machine's speed, so use one far above the slowest
  // scenario, to keep a hung scenario from stalling a long campaign.
  int64_t scenario_timeout_s = 0;
  // Progress and throughput (wall time: not deterministic); null for none.
  FILE* progress = stderr;
};

struct CampaignTotals {
  int64_t runs = 0;  // scenarios run (fewer than the shard's when stopped)
  int64_t failed = 0;
  int64_t not_live = 0;
  int64_t ops = 0;
  int64_t workers_died = 0;
  double wall_s = 0;
};

// Runs the campaign; returns an error text for bad options. Exit status for
// eddy-sim: 0 when nothing failed, 1 otherwise.
core::Result<CampaignTotals, std::string> run_campaign(const CampaignOptions& options);

}  // namespace eddy::sim
