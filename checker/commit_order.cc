#include "checker/commit_order.h"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace eddy::checker::detail {

CommitOrderPass::CommitOrderPass(const CheckOptions& options)
    : examples_max_(options.examples_max) {
  anomaly_.type = std::string(kNonmonotonicCommit);
}

void CommitOrderPass::raise(KnownByKey& known, std::string_view key, int64_t offset,
                            int64_t op_index) {
  auto [it, fresh] = core::try_emplace_view(known, key);
  if (fresh || offset > it->second.offset) it->second = Known{offset, op_index};
}

void CommitOrderPass::add(const Op& op) {
  if (op.process == kNemesisProcess) return;
  KnownByKey& known = core::try_emplace_view(known_by_node_, op.node).first->second;
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
    return;
  }
  if (op.f != OpF::kAssign || op.seek_to_beginning) return;
  if (op.type == OpType::kInvoke) {
    std::map<std::string, Known>& expected = expected_by_process_[op.process];
    expected.clear();
    for (const std::string& key : op.keys) {
      if (const auto it = known.find(key); it != known.end()) expected.emplace(key, it->second);
    }
    return;
  }
  // Only where the history records what the list answered.
  if (op.type != OpType::kOk || !op.committed) return;
  const std::map<std::string, int64_t> listed(op.committed->begin(), op.committed->end());
  for (const auto& [key, floor] : expected_by_process_[op.process]) {
    const auto got = listed.find(key);
    if (got != listed.end() && got->second >= floor.offset) continue;
    ++anomaly_.count;
    if (anomaly_.examples.size() < examples_max_) {
      nlohmann::json example{
          {"node", op.node},
          {"key", key},
          {"listed", got == listed.end() ? nlohmann::json(nullptr) : nlohmann::json(got->second)},
          {"expected_at_least", floor.offset},
          {"known_from_op", floor.op_index},
          {"list_op", op.index}};
      anomaly_.examples.push_back(example.dump());
    }
  }
  for (const auto& [key, offset] : listed) raise(known, key, offset, op.index);
}

Anomaly CommitOrderPass::finish() && { return std::move(anomaly_); }

Anomaly find_nonmonotonic_commits(const History& history, const CheckOptions& options) {
  CommitOrderPass pass(options);
  for (const Op& op : history) pass.add(op);
  return std::move(pass).finish();
}

}  // namespace eddy::checker::detail
