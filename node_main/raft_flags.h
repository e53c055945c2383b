// The --raft-* flags of eddy-node and eddy-sim: the knobs of the Raft under
// `--strategy raft` (core::kv::RaftKvOptions, raft::RaftConfig), each with
// its bounds, so that both command lines say and check the same.
// Cross-field checks are core::check_strategy_options's.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "core/kv/raft_kv.h"

namespace eddy::node_main {

inline void add_raft_flags(CLI::App& app, core::kv::RaftKvOptions& raft,
                           const std::string& group = "Raft (--strategy raft)") {
  app.add_option("--raft-election-timeout-ms", raft.election_timeout_ms,
                 "a follower that hears no leader for a random time in [T, 2T) starts an "
                 "election; a leader steps down after T without a majority")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{10}, int64_t{600'000}))
      ->group(group);
  app.add_option("--raft-heartbeat-ms", raft.heartbeat_ms,
                 "every follower hears from the leader at least this often (at most half the "
                 "election timeout)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{300'000}))
      ->group(group);
  app.add_option("--raft-max-entries-per-append", raft.max_entries_per_append,
                 "entries in one append; a follower far behind gets several in flight")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->group(group);
  app.add_option("--raft-batch-window-ms", raft.batch_window_ms,
                 "a replication round starts at least this long after the last one was "
                 "acknowledged, so that requests arriving together share it")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{10'000}))
      ->group(group);
  app.add_option("--raft-rounds-outstanding", raft.max_rounds_outstanding,
                 "replication rounds a leader keeps unacknowledged at once")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{64}))
      ->group(group);
  app.add_option("--raft-compact-after", raft.compact_after_entries,
                 "applied entries held before the state machine is snapshotted and the log "
                 "compacted behind it")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40))
      ->group(group);
}

// Whether any --raft-* flag was given (they mean nothing to other strategies).
inline bool raft_flags_given(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_name().starts_with("--raft-") && option->count() > 0) return true;
  }
  return false;
}

}  // namespace eddy::node_main
