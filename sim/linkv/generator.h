// LinKvGenerator: the operations Maelstrom's lin-kv workload asks its
// clients to run (maelstrom workload/lin_kv.clj on jepsen 0.3.7's
// tests/linearizable_register.clj and independent.clj; see
// docs/maelstrom-semantics.md section 7):
//  - the threads are cut into groups of 2n (n = node count); each group works
//    on one key, the groups starting on keys 0, 1, ..., and a group whose
//    key is given up takes the next unused key;
//  - a key is given up once `process_limit` distinct processes have been
//    threads of its group (gen/process-limit counts every process of the
//    group's threads, busy or not; a thread becomes a new process after each
//    :info), so keys change only when ops go indeterminate;
//  - within a group, jepsen's (gen/reserve n reads (gen/mix [w cas cas])):
//    threads 0..n-1 read, the others write (1/3) or cas (2/3), values drawn
//    from 0..4. gen/reserve numbers its ranges from thread 0, not from the
//    group's first thread, so only the group of threads 0..2n-1 has readers:
//    the others only write and cas. Eddy reproduces that (with the default
//    --concurrency 2n there is only that group);
//  - which group, and within group 0 reads or writes, when several could
//    run: uniform, as soonest-op-map breaks ties by weight (equal here).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include "checker/linkv_history.h"
#include "core/random.h"

namespace eddy::sim::linkv {

struct LinKvRequest {
  checker::LinKvF f = checker::LinKvF::kRead;
  int64_t key = 0;
  int64_t value = 0;  // write
  int64_t from = 0;   // cas
  int64_t to = 0;     // cas
};

class LinKvGenerator {
 public:
  // Pre: concurrency is a positive multiple of 2 * node_count.
  LinKvGenerator(int node_count, int concurrency, int process_limit, core::Rng rng);

  struct Pick {
    int thread;
    LinKvRequest request;
  };
  // The next op, for one of the threads with free[t]; `processes[t]` is the
  // process thread t runs now. The search for a free thread within the chosen
  // range starts at `rotation` (jepsen rotates ops through the threads).
  // nullopt if no thread is free.
  std::optional<Pick> next(const std::vector<bool>& free, const std::vector<int64_t>& processes,
                           size_t rotation);

  // The key group g works on now.
  int64_t key_of_group(size_t group) const { return groups_[group].key; }
  size_t group_of_thread(int thread) const { return static_cast<size_t>(thread) / group_size_; }
  // Keys handed out so far (0..keys_started()-1).
  int64_t keys_started() const { return next_key_; }

 private:
  struct Group {
    int64_t key = 0;
    std::set<int64_t> processes;  // every process seen on the group's threads while on `key`
  };

  // gen/process-limit: adds the group's current processes; a new key once
  // they exceed the limit.
  void account_processes(size_t group, const std::vector<int64_t>& processes);
  std::optional<int> free_thread_in(int first, int end, const std::vector<bool>& free,
                                    size_t rotation) const;
  LinKvRequest draw_write_or_cas(int64_t key);

  int node_count_;
  size_t group_size_;
  size_t process_limit_;
  core::Rng rng_;
  std::vector<Group> groups_;
  int64_t next_key_ = 0;
};

}  // namespace eddy::sim::linkv
