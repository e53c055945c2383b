// Eddy's nonmonotonic-commit check, on handwritten histories.
#include <gtest/gtest.h>

#include "checker/commit_order.h"
#include "checker/kafka_checker.h"

namespace eddy::checker {
namespace {

Op poll_ok(int64_t process, const std::string& node, const std::string& key,
           std::vector<PolledRecord> records) {
  Op op;
  op.process = process;
  op.type = OpType::kOk;
  op.f = OpF::kPoll;
  op.node = node;
  op.polled.push_back(PolledKey{key, std::move(records)});
  return op;
}

Op assign(int64_t process, const std::string& node, OpType type, std::vector<std::string> keys,
          std::optional<std::vector<std::pair<std::string, int64_t>>> committed = std::nullopt) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = OpF::kAssign;
  op.node = node;
  op.keys = std::move(keys);
  op.committed = std::move(committed);
  return op;
}

History indexed(History history) {
  for (size_t i = 0; i < history.size(); ++i) history[i].index = static_cast<int64_t>(i);
  return history;
}

TEST(CommitOrder, ListBelowAnAcknowledgedCommitIsFound) {
  const History history = indexed({
      poll_ok(0, "n0", "k", {{3, 1}, {4, 2}}),
      assign(1, "n0", OpType::kInvoke, {"k"}),
      assign(1, "n0", OpType::kOk, {"k"}, {{{"k", 3}}}),
  });
  const Anomaly anomaly = detail::find_nonmonotonic_commits(history, {});
  ASSERT_EQ(anomaly.count, 1);
  EXPECT_EQ(
      anomaly.examples[0],
      R"({"expected_at_least":4,"key":"k","known_from_op":0,"list_op":2,"listed":3,"node":"n0"})");
  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_TRUE(result.anomalies.contains("nonmonotonic-commit"));
}

TEST(CommitOrder, OmittingACommittedKeyIsFound) {
  const History history = indexed({
      poll_ok(0, "n0", "k", {{0, 1}}),
      assign(1, "n0", OpType::kInvoke, {"k"}),
      assign(1, "n0", OpType::kOk, {"k"}, std::vector<std::pair<std::string, int64_t>>{}),
  });
  EXPECT_EQ(detail::find_nonmonotonic_commits(history, {}).count, 1);
}

TEST(CommitOrder, AListBelowAnEarlierListIsFound) {
  const History history = indexed({
      assign(1, "n0", OpType::kInvoke, {"k"}),
      assign(1, "n0", OpType::kOk, {"k"}, {{{"k", 7}}}),
      assign(2, "n0", OpType::kInvoke, {"k"}),
      assign(2, "n0", OpType::kOk, {"k"}, {{{"k", 5}}}),
  });
  EXPECT_EQ(detail::find_nonmonotonic_commits(history, {}).count, 1);
}

TEST(CommitOrder, ConcurrentOtherNodesAndUnrecordedListsAreNotChecked) {
  const History history = indexed({
      // Invoked before the commit completed: concurrent, so a lower answer is fine.
      assign(1, "n0", OpType::kInvoke, {"k"}),
      poll_ok(0, "n0", "k", {{9, 1}}),
      assign(1, "n0", OpType::kOk, {"k"}, {{{"k", 2}}}),
      // Another node may not have heard of the commit yet.
      assign(2, "n1", OpType::kInvoke, {"k"}),
      assign(2, "n1", OpType::kOk, {"k"}, std::vector<std::pair<std::string, int64_t>>{}),
      // A history that does not record the list's answer.
      assign(3, "n0", OpType::kInvoke, {"k"}),
      assign(3, "n0", OpType::kOk, {"k"}),
      // At or above what is known: fine.
      assign(4, "n0", OpType::kInvoke, {"k"}),
      assign(4, "n0", OpType::kOk, {"k"}, {{{"k", 9}}}),
  });
  EXPECT_EQ(detail::find_nonmonotonic_commits(history, {}).count, 0);
}

}  // namespace
}  // namespace eddy::checker
