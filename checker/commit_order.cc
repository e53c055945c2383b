#include "checker/commit_order.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace eddy::checker::detail {
namespace {

// (key, ...) pairs by key alone.
constexpr auto kKeyBefore = [](const auto& a, const auto& b) { return a.first < b.first; };
constexpr auto kSameKey = [](const auto& a, const auto& b) { return a.first == b.first; };

}  // namespace

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
    Floors& floors = expected_by_process_[op.process];
    floors.clear();
    for (const std::string& key : op.keys) {
      if (const auto it = known.find(key); it != known.end()) floors.emplace_back(key, it->second);
    }
    // Key order, each key once (a key assigned twice has one floor).
    std::sort(floors.begin(), floors.end(), kKeyBefore);
    floors.erase(std::unique(floors.begin(), floors.end(), kSameKey), floors.end());
    return;
  }
  // Only where the history records what the list answered.
  if (op.type != OpType::kOk || !op.committed) return;
  const auto& listed = listed_in_order(*op.committed, listed_scratch_);
  check_listed(op, expected_by_process_[op.process], listed);
  for (const auto& [key, offset] : listed) raise(known, key, offset, op.index);
}

const std::vector<std::pair<std::string, int64_t>>& CommitOrderPass::listed_in_order(
    const std::vector<std::pair<std::string, int64_t>>& committed,
    std::vector<std::pair<std::string, int64_t>>& scratch) {
  const bool strictly_sorted =
      std::adjacent_find(committed.begin(), committed.end(), [](const auto& a, const auto& b) {
        return !kKeyBefore(a, b);
      }) == committed.end();
  if (strictly_sorted) return committed;
  // The first of each key, as a map built from the list would keep.
  scratch = committed;
  std::stable_sort(scratch.begin(), scratch.end(), kKeyBefore);
  scratch.erase(std::unique(scratch.begin(), scratch.end(), kSameKey), scratch.end());
  return scratch;
}

void CommitOrderPass::check_listed(const Op& op, const Floors& floors,
                                   const std::vector<std::pair<std::string, int64_t>>& listed) {
  // Both in key order: one merge.
  auto got = listed.begin();
  for (const auto& [key, floor] : floors) {
    while (got != listed.end() && got->first < key) ++got;
    const bool found = got != listed.end() && got->first == key;
    if (found && got->second >= floor.offset) continue;
    ++anomaly_.count;
    if (anomaly_.examples.size() < examples_max_) {
      nlohmann::json example{
          {"node", op.node},
          {"key", key},
          {"listed", found ? nlohmann::json(got->second) : nlohmann::json(nullptr)},
          {"expected_at_least", floor.offset},
          {"known_from_op", floor.op_index},
          {"list_op", op.index}};
      anomaly_.examples.push_back(example.dump());
    }
  }
}

Anomaly CommitOrderPass::finish() && { return std::move(anomaly_); }

Anomaly find_nonmonotonic_commits(const History& history, const CheckOptions& options) {
  CommitOrderPass pass(options);
  for (const Op& op : history) pass.add(op);
  return std::move(pass).finish();
}

}  // namespace eddy::checker::detail
