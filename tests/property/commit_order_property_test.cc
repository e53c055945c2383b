// The nonmonotonic-commit pass (checker/commit_order.h) against a reference
// model written the plain way: per process a std::map of floors built at the
// assign's invocation, and per ok assign a std::map of what it listed (which
// keeps the first of a repeated key). rapidcheck draws histories of ok polls
// and assigns over a few nodes, processes and keys, with keys assigned
// twice, and listed answers unsorted, repeated or missing keys; the pass
// must find the same count and the same examples, in the same order.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/commit_order.h"

namespace eddy::checker {
namespace {

struct Known {
  int64_t offset;
  int64_t op_index;
};

// The pass as it was first written.
Anomaly reference(const History& history, size_t examples_max) {
  Anomaly anomaly;
  anomaly.type = std::string(detail::kNonmonotonicCommit);
  std::map<std::string, std::map<std::string, Known>> known_by_node;
  std::map<int64_t, std::map<std::string, Known>> expected_by_process;
  const auto raise = [](std::map<std::string, Known>& known, const std::string& key, int64_t offset,
                        int64_t op_index) {
    auto [it, fresh] = known.try_emplace(key, Known{offset, op_index});
    if (!fresh && offset > it->second.offset) it->second = Known{offset, op_index};
  };
  for (const Op& op : history) {
    std::map<std::string, Known>& known = known_by_node[std::string(op.node.view())];
    if (op.f == OpF::kPoll && op.type == OpType::kOk) {
      for (const PolledKey& polled : op.polled) {
        for (const PolledRecord& record : polled.records) {
          raise(known, std::string(polled.key.view()), record.offset, op.index);
        }
      }
      continue;
    }
    if (op.f != OpF::kAssign) continue;
    if (op.type == OpType::kInvoke) {
      std::map<std::string, Known>& expected = expected_by_process[op.process];
      expected.clear();
      for (const std::string& key : op.keys) {
        if (const auto it = known.find(key); it != known.end()) expected.emplace(key, it->second);
      }
      continue;
    }
    if (op.type != OpType::kOk || !op.committed) continue;
    const std::map<std::string, int64_t> listed(op.committed->begin(), op.committed->end());
    for (const auto& [key, floor] : expected_by_process[op.process]) {
      const auto got = listed.find(key);
      if (got != listed.end() && got->second >= floor.offset) continue;
      ++anomaly.count;
      if (anomaly.examples.size() < examples_max) {
        anomaly.examples.push_back(nlohmann::json{
            {"node", op.node},
            {"key", key},
            {"listed", got == listed.end() ? nlohmann::json(nullptr) : nlohmann::json(got->second)},
            {"expected_at_least", floor.offset},
            {"known_from_op", floor.op_index},
            {"list_op", op.index}}.dump());
      }
    }
    for (const auto& [key, offset] : listed) raise(known, key, offset, op.index);
  }
  return anomaly;
}

std::string any_key() { return std::to_string(*rc::gen::inRange(0, 6)); }

History draw_history() {
  const int ops = *rc::gen::inRange(1, 120);
  History history;
  for (int i = 0; i < ops; ++i) {
    Op op;
    op.index = i;
    op.process = *rc::gen::inRange(0, 4);
    op.node = "n" + std::to_string(*rc::gen::inRange(0, 2));
    switch (*rc::gen::inRange(0, 3)) {
      case 0: {
        op.f = OpF::kPoll;
        op.type = OpType::kOk;
        const int keys = *rc::gen::inRange(0, 3);
        for (int k = 0; k < keys; ++k) {
          PolledKey polled{any_key(), {}};
          const int records = *rc::gen::inRange(0, 3);
          for (int r = 0; r < records; ++r) {
            polled.records.push_back(PolledRecord{*rc::gen::inRange<int64_t>(0, 20), 1});
          }
          op.polled.push_back(std::move(polled));
        }
        break;
      }
      case 1: {
        op.f = OpF::kAssign;
        op.type = OpType::kInvoke;
        const int keys = *rc::gen::inRange(0, 6);
        for (int k = 0; k < keys; ++k) op.keys.push_back(any_key());  // repeats too
        break;
      }
      default: {
        op.f = OpF::kAssign;
        op.type = OpType::kOk;
        if (*rc::gen::inRange(0, 5) == 0) break;  // the answer not recorded
        op.committed.emplace();
        const int listed = *rc::gen::inRange(0, 6);
        for (int k = 0; k < listed; ++k) {
          op.committed->emplace_back(any_key(), *rc::gen::inRange<int64_t>(0, 20));
        }
        if (*rc::gen::arbitrary<bool>()) std::sort(op.committed->begin(), op.committed->end());
        break;
      }
    }
    history.push_back(std::move(op));
  }
  return history;
}

RC_GTEST_PROP(CommitOrder, FindsWhatTheReferenceFinds, ()) {
  const History history = draw_history();
  const size_t examples_max = *rc::gen::inRange<size_t>(0, 6);
  CheckOptions options;
  options.examples_max = examples_max;
  const Anomaly found = detail::find_nonmonotonic_commits(history, options);
  const Anomaly expected = reference(history, examples_max);
  RC_ASSERT(found.count == expected.count);
  RC_ASSERT(found.examples == expected.examples);
}

}  // namespace
}  // namespace eddy::checker
