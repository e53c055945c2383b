// KafkaGenerator: the operations Jepsen's kafka workload asks clients to run,
// as Maelstrom configures it (jepsen tests/kafka.clj with elle's wr-txns; see
// docs/maelstrom-semantics.md section 4.6):
//  - sends and polls, 50/50, over `key_count` active key slots drawn with
//    exponential skew (slot j has weight 2^(j+1));
//  - each key takes the values 1..max_writes_per_key, then its slot gets a
//    fresh key;
//  - with probability assign_p a request yields an assign of the drawn op's
//    key instead (the op itself comes next time), plus, one time in three,
//    every key whose sent offsets are not yet all polled.
// Keys are decimal strings, as Maelstrom's StringKeys wrapper sends them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/history.h"
#include "core/random.h"
#include "core/string_hash.h"
#include "sim/options.h"

namespace eddy::sim::kafka {

struct KafkaOp {
  checker::OpF f = checker::OpF::kSend;
  std::string key;                 // send
  int64_t value = 0;               // send
  std::vector<std::string> keys;   // assign
  bool seek_to_beginning = false;  // final-phase assign
};

class KafkaGenerator {
 public:
  KafkaGenerator(const SimOptions& options, core::Rng rng);

  KafkaOp next();

  // Feedback from ok completions: sent and polled offsets per key.
  void on_ok_send(std::string_view key, int64_t offset);
  void on_ok_poll(const std::vector<checker::PolledKey>& polled);

  // Highest offset any ok op saw per key: what the final polls must reach.
  // Sorted by key; built on each call (once a run, for the final phase).
  std::map<std::string, int64_t> max_offsets() const;

 private:
  KafkaOp draw();
  // poll-unseen: per key with acknowledged offsets not yet all polled, the
  // highest offset sent and the highest polled (either may be unknown yet).
  struct Unseen {
    std::optional<int64_t> sent;
    std::optional<int64_t> polled;
  };

  void note_max(std::string_view key, int64_t offset);
  // Where `key` is or would go in sent_unseen_ (std::string's order, compared
  // in line).
  std::vector<std::string>::iterator sent_unseen_at(std::string_view key);
  // Forgets `it`'s key once every offset sent has been polled.
  void retire_if_polled(core::StringMap<Unseen>::iterator it);

  int max_writes_per_key_;
  double assign_p_;
  core::Rng rng_;
  // Hashed, not ordered: these are looked up once or twice per op, and no
  // output iterates them unsorted (max_offsets() sorts; an assign takes the
  // sorted sent_unseen_).
  std::vector<int64_t> slots_;                       // the active keys
  std::unordered_map<int64_t, int64_t> next_value_;  // per key, from 1
  std::optional<KafkaOp> pending_;                   // an op displaced by an assign
  core::StringMap<int64_t> max_offsets_;
  core::StringMap<Unseen> unseen_;
  // unseen_'s keys with a sent offset, sorted: what an assign of every
  // unseen key takes, without walking the map's scattered nodes and sorting.
  std::vector<std::string> sent_unseen_;
};

}  // namespace eddy::sim::kafka
