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
#include <vector>

#include "checker/history.h"
#include "core/random.h"
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
  void on_ok_send(const std::string& key, int64_t offset);
  void on_ok_poll(const std::vector<checker::PolledKey>& polled);

  // Highest offset any ok op saw per key: what the final polls must reach.
  const std::map<std::string, int64_t>& max_offsets() const { return max_offsets_; }

 private:
  KafkaOp draw();
  void note_max(const std::string& key, int64_t offset);
  void retire_if_polled(const std::string& key);

  int max_writes_per_key_;
  double assign_p_;
  core::Rng rng_;
  std::vector<int64_t> slots_;             // the active keys
  std::map<int64_t, int64_t> next_value_;  // per key, from 1
  std::optional<KafkaOp> pending_;         // an op displaced by an assign
  std::map<std::string, int64_t> max_offsets_;
  // poll-unseen: keys with acknowledged offsets not yet all polled.
  std::map<std::string, int64_t> sent_;
  std::map<std::string, int64_t> polled_;
};

}  // namespace eddy::sim::kafka
