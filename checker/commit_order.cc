#include "checker/commit_order.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace eddy::checker::detail {
namespace {

// The highest committed offset known on a node for a key, and the op that made it known.
struct Known {
  int64_t offset = 0;
  int64_t op_index = 0;
};
using KnownByKey = std::unordered_map<std::string, Known>;

void raise(KnownByKey& known, const std::string& key, int64_t offset, int64_t op_index) {
  auto [it, fresh] = known.try_emplace(key, Known{offset, op_index});
  if (!fresh && offset > it->second.offset) it->second = Known{offset, op_index};
}

}  // namespace

Anomaly find_nonmonotonic_commits(const History& history, const CheckOptions& options) {
  Anomaly anomaly;
  anomaly.type = std::string(kNonmonotonicCommit);
  std::unordered_map<std::string, KnownByKey> known_by_node;
  // What each process's assign in flight must at least see, fixed when it was invoked.
  std::unordered_map<int64_t, std::map<std::string, Known>> expected_by_process;
  for (const Op& op : history) {
    if (op.process == kNemesisProcess) continue;
    KnownByKey& known = known_by_node[op.node];
    if (op.f == OpF::kPoll && op.type == OpType::kOk) {
      // Raising by each record in turn leaves the highest of them, made
      // known by this op: raising once by that highest is the same, with
      // one lookup of the key instead of one per record.
      for (const PolledKey& polled : op.polled) {
        if (polled.records.empty()) continue;
        const auto highest = std::max_element(
            polled.records.begin(), polled.records.end(),
            [](const PolledRecord& a, const PolledRecord& b) { return a.offset < b.offset; });
        raise(known, polled.key, highest->offset, op.index);
      }
      continue;
    }
    if (op.f != OpF::kAssign || op.seek_to_beginning) continue;
    if (op.type == OpType::kInvoke) {
      std::map<std::string, Known>& expected = expected_by_process[op.process];
      expected.clear();
      for (const std::string& key : op.keys) {
        if (const auto it = known.find(key); it != known.end()) expected.emplace(key, it->second);
      }
      continue;
    }
    // Only where the history records what the list answered.
    if (op.type != OpType::kOk || !op.committed) continue;
    const std::map<std::string, int64_t> listed(op.committed->begin(), op.committed->end());
    for (const auto& [key, floor] : expected_by_process[op.process]) {
      const auto got = listed.find(key);
      if (got != listed.end() && got->second >= floor.offset) continue;
      ++anomaly.count;
      if (anomaly.examples.size() < options.examples_max) {
        nlohmann::json example{
            {"node", op.node},
            {"key", key},
            {"listed", got == listed.end() ? nlohmann::json(nullptr) : nlohmann::json(got->second)},
            {"expected_at_least", floor.offset},
            {"known_from_op", floor.op_index},
            {"list_op", op.index}};
        anomaly.examples.push_back(example.dump());
      }
    }
    for (const auto& [key, offset] : listed) raise(known, key, offset, op.index);
  }
  return anomaly;
}

}  // namespace eddy::checker::detail
