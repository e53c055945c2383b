// check_history: pairing invocations with completions (and every way the
// pairing can fail, named by event position), per-key results with event
// positions as ids, the semantics of :fail and :info, and the shared budget.
#include "checker/linearizability/history_check.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace eddy::lin {
namespace {

const SearchLimits kLimits{1'000'000, {}};

HistoryEvent invoke(int64_t process, RegisterF f, int32_t key, ValueId arg1 = kNil,
                    ValueId arg2 = kNil) {
  return HistoryEvent{process, EventType::kInvoke, f, key, arg1, arg2, f != RegisterF::kRead};
}
HistoryEvent ok(int64_t process, RegisterF f, int32_t key, ValueId read = kNil) {
  return HistoryEvent{process, EventType::kOk, f, key, read, kNil, f == RegisterF::kRead};
}
HistoryEvent completion(EventType type, int64_t process, RegisterF f, int32_t key) {
  // Like Jepsen's `:timed-out`: no value at all.
  return HistoryEvent{process, type, f, key, kNil, kNil, false};
}

void expect_error(const std::vector<HistoryEvent>& events, int64_t position,
                  const std::string& words) {
  const auto result = check_history(events, kLimits);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().position, position);
  EXPECT_NE(result.error().message.find(words), std::string::npos) << result.error().message;
}

TEST(HistoryCheck, CompletionWithNothingInFlight) {
  expect_error({invoke(1, RegisterF::kWrite, 0, 5), ok(1, RegisterF::kWrite, 0),
                ok(1, RegisterF::kWrite, 0)},
               2, "no op in flight");
}

TEST(HistoryCheck, SecondInvocationWhileOneIsInFlight) {
  expect_error({invoke(1, RegisterF::kWrite, 0, 5), invoke(1, RegisterF::kRead, 0)}, 1,
               "in flight");
}

TEST(HistoryCheck, CompletionOfAnotherF) {
  expect_error({invoke(1, RegisterF::kWrite, 0, 5), ok(1, RegisterF::kRead, 0, 5)}, 1,
               "read completion of the write invoked at position 0");
}

TEST(HistoryCheck, OkReadWithoutAValue) {
  expect_error({invoke(1, RegisterF::kRead, 0), completion(EventType::kOk, 1, RegisterF::kRead, 0)},
               1, "ok read without a value");
}

TEST(HistoryCheck, WriteInvokedWithoutAValue) {
  expect_error({completion(EventType::kInvoke, 1, RegisterF::kWrite, 0)}, 0,
               "write invoked without a value");
}

TEST(HistoryCheck, ArgumentsComeFromTheInvocation) {
  // The info completion carries no value; the cas's ok completion a wrong
  // one: both are ignored.
  std::vector<HistoryEvent> events{
      invoke(1, RegisterF::kWrite, 0, 1),
      ok(1, RegisterF::kWrite, 0),
      invoke(2, RegisterF::kCas, 0, 1, 2),
      HistoryEvent{2, EventType::kOk, RegisterF::kCas, 0, 7, 8, true},
      invoke(3, RegisterF::kWrite, 0, 3),
      completion(EventType::kInfo, 3, RegisterF::kWrite, 0),
      invoke(1, RegisterF::kRead, 0),
      ok(1, RegisterF::kRead, 0, 3),
  };
  const auto result = check_history(events, kLimits);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().verdict, Verdict::kLinearizable);
}

TEST(HistoryCheck, FailedOpsNeverHappened) {
  // A failed write of 9 does not explain the read of 9.
  const std::vector<HistoryEvent> events{
      invoke(1, RegisterF::kWrite, 0, 9), completion(EventType::kFail, 1, RegisterF::kWrite, 0),
      invoke(2, RegisterF::kRead, 0), ok(2, RegisterF::kRead, 0, 9)};
  const auto result = check_history(events, kLimits);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result.value().verdict, Verdict::kNotLinearizable);
  const Failure& failure = *result.value().keys.at(0).result.failure;
  EXPECT_EQ(failure.op_id, 2);  // the read's invocation position
  EXPECT_EQ(failure.complete_time, 3);
  EXPECT_TRUE(failure.concurrent.empty());
  EXPECT_EQ(failure.values_before, std::vector<ValueId>{kNil});
}

TEST(HistoryCheck, FailedCasAsAnObservation) {
  // The register holds 1; a cas from 1 that failed is impossible if a
  // failed cas is an observation, and irrelevant if it never happened.
  const std::vector<HistoryEvent> events{
      invoke(1, RegisterF::kWrite, 0, 1), ok(1, RegisterF::kWrite, 0),
      invoke(2, RegisterF::kCas, 0, 1, 2), completion(EventType::kFail, 2, RegisterF::kCas, 0)};
  EXPECT_EQ(check_history(events, kLimits).value().verdict, Verdict::kLinearizable);
  const auto observed = check_history(events, kLimits, Semantics{false, true});
  ASSERT_EQ(observed.value().verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(observed.value().keys.at(0).result.failure->op_id, 2);
}

TEST(HistoryCheck, NeverCompletedOpsHaveUnknownOutcomes) {
  // The write of 2 never completes; a read may or may not see it.
  for (const ValueId seen : {1, 2}) {
    const std::vector<HistoryEvent> events{
        invoke(1, RegisterF::kWrite, 0, 1), ok(1, RegisterF::kWrite, 0),
        invoke(2, RegisterF::kWrite, 0, 2), invoke(3, RegisterF::kRead, 0),
        ok(3, RegisterF::kRead, 0, seen)};
    EXPECT_EQ(check_history(events, kLimits).value().verdict, Verdict::kLinearizable) << seen;
  }
}

TEST(HistoryCheck, KeysAreCheckedIndependentlyInKeyOrder) {
  // Key 7 is fine; key 3 reads a value nobody wrote to it (it was written
  // to key 7).
  const std::vector<HistoryEvent> events{
      invoke(1, RegisterF::kWrite, 7, 5), ok(1, RegisterF::kWrite, 7),
      invoke(2, RegisterF::kRead, 3),     ok(2, RegisterF::kRead, 3, 5),
      invoke(1, RegisterF::kRead, 7),     ok(1, RegisterF::kRead, 7, 5)};
  const auto result = check_history(events, kLimits);
  ASSERT_TRUE(result.ok());
  const HistoryResult& history = result.value();
  EXPECT_EQ(history.verdict, Verdict::kNotLinearizable);
  ASSERT_EQ(history.keys.size(), 2U);
  EXPECT_EQ(history.keys[0].key, 3);
  EXPECT_EQ(history.keys[0].result.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(history.keys[0].result.failure->op_id, 2);
  EXPECT_EQ(history.keys[1].key, 7);
  EXPECT_EQ(history.keys[1].result.verdict, Verdict::kLinearizable);
  EXPECT_EQ(history.states_explored,
            history.keys[0].result.states_explored + history.keys[1].result.states_explored);
}

// Ten concurrent writes of distinct values, then a read of none of them,
// on `keys` keys: each key needs thousands of configurations to refute.
std::vector<HistoryEvent> hard_keys(int keys) {
  std::vector<HistoryEvent> events;
  for (int32_t key = 0; key < keys; ++key) {
    const int64_t base = 100 * key;
    for (int i = 0; i < 10; ++i) events.push_back(invoke(base + i, RegisterF::kWrite, key, i));
    for (int i = 0; i < 10; ++i) events.push_back(ok(base + i, RegisterF::kWrite, key));
    events.push_back(invoke(base + 50, RegisterF::kRead, key));
    events.push_back(ok(base + 50, RegisterF::kRead, key, 99));
  }
  return events;
}

TEST(HistoryCheck, BudgetIsSharedByTheWholeHistory) {
  const auto events = hard_keys(3);
  const auto full = check_history(events, kLimits).value();
  ASSERT_EQ(full.verdict, Verdict::kNotLinearizable);
  const int64_t first_key = full.keys[0].result.states_explored;

  // Enough for the first key only: the others are unknown, never guessed.
  const auto cut = check_history(events, SearchLimits{first_key + 10, {}}).value();
  EXPECT_EQ(cut.keys[0].result.verdict, Verdict::kNotLinearizable);
  EXPECT_EQ(cut.keys[1].result.verdict, Verdict::kUnknown);
  EXPECT_EQ(cut.keys[2].result.verdict, Verdict::kUnknown);
  EXPECT_NE(cut.keys[2].result.unknown_reason.find("not searched"), std::string::npos)
      << cut.keys[2].result.unknown_reason;
  EXPECT_LE(cut.states_explored, first_key + 10);
  // One key is proved not linearizable: that is the history's verdict.
  EXPECT_EQ(cut.verdict, Verdict::kNotLinearizable);
}

TEST(HistoryCheck, UnknownWhenNoKeyIsRefutedWithinTheBudget) {
  const auto cut = check_history(hard_keys(2), SearchLimits{100, {}}).value();
  EXPECT_EQ(cut.verdict, Verdict::kUnknown);
}

TEST(HistoryCheck, ShouldStopEndsTheWholeHistory) {
  int polls = 0;
  const auto result = check_history(hard_keys(3), SearchLimits{1'000'000,
                                                               [&] {
                                                                 ++polls;
                                                                 return true;
                                                               }})
                          .value();
  EXPECT_EQ(result.verdict, Verdict::kUnknown);
  EXPECT_EQ(polls, 1);
  for (const KeyResult& key : result.keys) EXPECT_EQ(key.result.verdict, Verdict::kUnknown);
}

TEST(HistoryCheck, EmptyHistoryIsLinearizable) {
  const auto result = check_history({}, kLimits);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().verdict, Verdict::kLinearizable);
  EXPECT_TRUE(result.value().keys.empty());
}

}  // namespace
}  // namespace eddy::lin
