// Every bound the node enforces, in one struct, each name ending in its unit.
// TigerBeetle's rule: put a limit on everything that input can grow.
#pragma once

#include <cstdint>

namespace eddy::core {

struct Limits {
  // Lines longer than this are rejected with error 12 (the envelope is still
  // probed so that the sender gets a reply). Maelstrom's own messages are far
  // smaller; a poll reply is bounded by the two poll limits below.
  int64_t line_bytes_max = 1 << 20;
  // Deeper JSON is rejected before it is parsed into a tree, so no recursive
  // routine ever sees it (nlohmann's dump() recurses).
  int32_t json_depth_max = 64;
  // Messages returned per key by one poll. Clients poll again from the next
  // offset, so this trades reply size for round trips.
  int32_t poll_msgs_per_key_max = 64;
  // Messages returned by one poll in all, so that a reply (which the leader
  // strategy relays between nodes) stays far below line_bytes_max.
  int32_t poll_msgs_total_max = 8192;
  // Keys named by one poll, commit_offsets or list_committed_offsets.
  // Maelstrom's final polls name every key of the run (about 6,000 at
  // --rate 10000 for 20 s), so the bound is well above that.
  int32_t request_keys_max = 32768;
  // Length of one log key.
  int32_t key_bytes_max = 1024;
  // Default deadline of an RPC to another node or a service.
  int64_t rpc_timeout_ms = 1000;
  // verify_linearizability: records one history may hold (longer ones get
  // error 12), and the configurations its search may explore, in all, before
  // the node answers error 13 (unknown) instead: the search runs inside the
  // node's step, so this bounds how long other requests wait and what it
  // holds meanwhile (at most about half a second and 20 MB at the default,
  // docs/verify-linearizability.md).
  int32_t verify_history_records_max = 100'000;
  int64_t verify_search_states_max = 250'000;
  // partition_test (docs/partition-test.md) runs a whole simulated Raft
  // cluster inside the node's step: the largest cluster, the most ops one run
  // may drive, and the virtual time after which it invokes no further op.
  // Together they bound its wall time and memory: 10,000 ops on 9 nodes take
  // 0.43-0.65 s and 16 MB (docs/partition-test.md).
  int32_t partition_test_cluster_size_max = 9;
  int32_t partition_test_operations_max = 10'000;
  int64_t partition_test_virtual_ms_max = 600'000;
};

}  // namespace eddy::core
