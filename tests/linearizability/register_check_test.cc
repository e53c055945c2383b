// check_register on hand-written histories: one for each way a register
// history can be (or fail to be) linearizable, with the failure window
// checked field by field, plus the budget and determinism.
#include "checker/linearizability/register_check.h"
#include "checker/linearizability/check_tuning.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "tests/linearizability/history_builder.h"
#include "tests/linearizability/oracle.h"

namespace eddy::lin {
namespace {

using testing::cas_op;
using testing::failed_cas_op;
using testing::read_op;
using testing::write_op;

const SearchLimits kLimits{1'000'000, {}};

// Checks as check_register does, and again with the direct search given no
// budget, so that the relaxation and the window probes answer; both must
// give the same verdict and window.
SearchResult check(const std::vector<RegisterOp>& ops, const Semantics& semantics = {}) {
  const SearchResult result = check_register(ops, kLimits, semantics);
  const SearchResult phases =
      detail::check_register_tuned(ops, kLimits, semantics, detail::CheckTuning{0, 0});
  EXPECT_EQ(phases.verdict, result.verdict);
  EXPECT_EQ(phases.failure, result.failure);
  return result;
}

void expect_failure(const SearchResult& result, const Failure& expected) {
  ASSERT_EQ(result.verdict, Verdict::kNotLinearizable);
  ASSERT_TRUE(result.failure.has_value());
  EXPECT_EQ(result.failure->op_id, expected.op_id);
  EXPECT_EQ(result.failure->complete_time, expected.complete_time);
  EXPECT_EQ(result.failure->concurrent, expected.concurrent);
  EXPECT_EQ(result.failure->values_before, expected.values_before);
}

TEST(RegisterCheck, EmptyHistoryIsLinearizable) {
  EXPECT_EQ(check({}).verdict, Verdict::kLinearizable);
}

TEST(RegisterCheck, ReadOfNilBeforeAnyWrite) {
  EXPECT_EQ(check({read_op(1, kNil, 0, 1), write_op(2, 5, 2, 3), read_op(3, 5, 4, 5)}).verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, StaleReadIsCaught) {
  // w1 then w2 complete; a later read still sees 1.
  const auto result = check({write_op(1, 1, 0, 1), write_op(2, 2, 2, 3), read_op(3, 1, 4, 5)});
  expect_failure(result, Failure{3, 5, {}, {2}});
}

TEST(RegisterCheck, LostWriteIsCaught) {
  // The write of 3 completed, yet a later read sees the cas's 2.
  const auto result = check(
      {write_op(1, 1, 0, 1), cas_op(2, 1, 2, 2, 3), write_op(3, 3, 4, 5), read_op(4, 2, 6, 7)});
  expect_failure(result, Failure{4, 7, {}, {3}});
}

TEST(RegisterCheck, CasFromAValueNeverWrittenIsCaught) {
  const auto result = check({write_op(1, 1, 0, 1), cas_op(2, 7, 2, 2, 3)});
  expect_failure(result, Failure{2, 3, {}, {1}});
}

TEST(RegisterCheck, CasChainIsLinearizable) {
  EXPECT_EQ(check({write_op(1, 0, 0, 1), cas_op(2, 0, 1, 2, 3), cas_op(3, 1, 2, 4, 5),
                   read_op(4, 2, 6, 7)})
                .verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, UnknownWriteSeenLaterIsLinearizable) {
  EXPECT_EQ(check({write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever), read_op(3, 2, 10, 11)}).verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, UnknownWriteNeverSeenIsLinearizable) {
  EXPECT_EQ(check({write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever), read_op(3, 1, 10, 11),
                   read_op(4, 1, 12, 13)})
                .verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, UnknownWriteSeenThenOverwrittenBackIsLinearizable) {
  // The unknown write of 2 takes effect between the two reads of 1 and 2...
  // only if it happens after the first read: one instant, any time.
  EXPECT_EQ(check({write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever), read_op(3, 1, 10, 11),
                   read_op(4, 2, 12, 13)})
                .verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, UnknownWriteTakesEffectOnlyOnce) {
  // 2 is seen, then 1 again, then 2 again: one unknown write cannot do both.
  const auto result = check({write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever), read_op(3, 2, 4, 5),
                             write_op(4, 1, 6, 7), read_op(5, 2, 8, 9)});
  expect_failure(result, Failure{5, 9, {2}, {1}});
  // Two unknown writes of 2 can.
  EXPECT_EQ(check({write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever), read_op(3, 2, 4, 5),
                   write_op(4, 1, 6, 7), write_op(6, 2, 6, kNever), read_op(5, 2, 8, 9)})
                .verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, ReadOfAnUnknownWriteBeforeItsInvocationIsCaught) {
  // Only the unknown write could have produced 2, and it was invoked after
  // the read completed.
  const auto result = check({write_op(1, 1, 0, 1), read_op(2, 2, 2, 3), write_op(3, 2, 4, kNever)});
  expect_failure(result, Failure{2, 3, {}, {1}});
}

TEST(RegisterCheck, ConcurrentWritesSeenInEitherOrder) {
  for (const ValueId seen : {1, 2}) {
    EXPECT_EQ(check({write_op(1, 1, 0, 3), write_op(2, 2, 1, 4), read_op(3, seen, 5, 6)}).verdict,
              Verdict::kLinearizable)
        << "read " << seen;
  }
  // But not both orders at once.
  const auto result =
      check({write_op(1, 1, 0, 3), write_op(2, 2, 1, 4), read_op(3, 2, 5, 6), read_op(4, 1, 7, 8)});
  expect_failure(result, Failure{4, 8, {}, {2}});
}

TEST(RegisterCheck, ReadOfNilAfterACompletedWrite) {
  const std::vector<RegisterOp> ops{write_op(1, 1, 0, 1), read_op(2, kNil, 2, 3)};
  expect_failure(check(ops), Failure{2, 3, {}, {1}});
  EXPECT_EQ(check(ops, Semantics{.nil_read_matches_any = true}).verdict, Verdict::kLinearizable);
}

TEST(RegisterCheck, FailedOpsAreNotInTheSearch) {
  // A failed cas observation is only used when given as kFailedCas.
  const std::vector<RegisterOp> ops{write_op(1, 1, 0, 1), failed_cas_op(2, 1, 3, 2, 3)};
  expect_failure(check(ops), Failure{2, 3, {}, {1}});
  EXPECT_EQ(check({write_op(1, 1, 0, 1), failed_cas_op(2, 2, 3, 2, 3)}).verdict,
            Verdict::kLinearizable);
  // With an unknown outcome it says nothing.
  EXPECT_EQ(check({write_op(1, 1, 0, 1), failed_cas_op(2, 1, 3, 2, kNever)}).verdict,
            Verdict::kLinearizable);
}

TEST(RegisterCheck, FailureWindowListsConcurrentOpsAndPossibleValues) {
  // Before the read of 4 had to take effect the register held 1, or 2 (the
  // pending write), or 3 (the unknown write); 4 was never written.
  const auto result = check({write_op(1, 1, 0, 1), write_op(2, 2, 2, 10), write_op(3, 3, 3, kNever),
                             read_op(4, 4, 4, 5), read_op(5, 1, 11, 12)});
  expect_failure(result, Failure{4, 5, {2, 3}, {1, 2, 3}});
}

TEST(RegisterCheck, FailureIsTheFirstCompletionThatCannotBePlaced) {
  // Both reads are impossible; the first to complete is reported.
  const auto result = check({write_op(1, 1, 0, 1), read_op(2, 9, 2, 6), read_op(3, 8, 3, 5)});
  expect_failure(result, Failure{3, 5, {2}, {1}});
}

TEST(RegisterCheck, PendingReadMustPrecedeAWriteThatHidesItsValue) {
  // The read of 1 completes after the write of 2, yet it is linearizable
  // (read first), and the later read of 2 pins the order.
  EXPECT_EQ(
      check({write_op(1, 1, 0, 1), read_op(2, 1, 2, 6), write_op(3, 2, 3, 4), read_op(4, 2, 7, 8)})
          .verdict,
      Verdict::kLinearizable);
}

TEST(RegisterCheck, AgreesWithTheOracleOnTheHandWrittenCases) {
  const std::vector<std::vector<RegisterOp>> histories{
      {write_op(1, 1, 0, 1), write_op(2, 2, 2, 3), read_op(3, 1, 4, 5)},
      {write_op(1, 1, 0, 1), write_op(2, 2, 2, 10), write_op(3, 3, 3, kNever), read_op(4, 4, 4, 5),
       read_op(5, 1, 11, 12)},
      {write_op(1, 1, 0, 3), write_op(2, 2, 1, 4), read_op(3, 2, 5, 6), read_op(4, 1, 7, 8)},
  };
  for (const auto& ops : histories) {
    const auto oracle = testing::oracle_check(ops);
    const auto result = check(ops);
    EXPECT_EQ(result.verdict == Verdict::kLinearizable, oracle.linearizable);
    if (!oracle.linearizable) {
      EXPECT_EQ(result.failure->op_id, oracle.failing_op_id);
      EXPECT_EQ(result.failure->values_before, oracle.values_before);
    }
  }
}

// n concurrent writes of distinct values, then a read of a value none wrote:
// the search must try the writes' orders before it can say no.
std::vector<RegisterOp> many_concurrent_writes(int n) {
  std::vector<RegisterOp> ops;
  for (int i = 0; i < n; ++i) ops.push_back(write_op(i, i, i, 100 + i));
  ops.push_back(read_op(n, 999, 200, 201));
  return ops;
}

TEST(RegisterCheck, BudgetExhaustedGivesUnknownWithAReason) {
  const auto ops = many_concurrent_writes(12);
  const auto full = check_register(ops, kLimits);
  ASSERT_EQ(full.verdict, Verdict::kNotLinearizable);
  ASSERT_GT(full.states_explored, 2000);

  const auto cut = check_register(ops, SearchLimits{1000, {}});
  EXPECT_EQ(cut.verdict, Verdict::kUnknown);
  EXPECT_LE(cut.states_explored, 1000);
  EXPECT_NE(cut.unknown_reason.find("budget of 1000"), std::string::npos) << cut.unknown_reason;
  EXPECT_FALSE(cut.failure.has_value());
}

TEST(RegisterCheck, ShouldStopIsHonoured) {
  const auto ops = many_concurrent_writes(12);
  int polls = 0;
  const auto result = check_register(ops, SearchLimits{1'000'000, [&] { return ++polls == 2; }});
  EXPECT_EQ(result.verdict, Verdict::kUnknown);
  EXPECT_EQ(polls, 2);
  EXPECT_LE(result.states_explored, 2 * kStopPollStates);
  EXPECT_NE(result.unknown_reason.find("should_stop"), std::string::npos) << result.unknown_reason;
}

TEST(RegisterCheck, EveryBudgetGivesAnHonestAnswer) {
  // The read of 9 is impossible; the relaxation proves it at once, and the
  // window takes a few more searches. With the later phases forced, every
  // budget must give kUnknown, or the right verdict with the exact window, or
  // the right verdict with a window marked inexact that still contains it.
  const std::vector<RegisterOp> ops{write_op(1, 1, 0, 1), write_op(2, 2, 2, kNever),
                                    write_op(3, 3, 3, 10), read_op(4, 9, 4, 5),
                                    read_op(5, 1, 11, 12)};
  const detail::CheckTuning forced{0, 0};
  const SearchResult full = detail::check_register_tuned(ops, kLimits, {}, forced);
  ASSERT_EQ(full.verdict, Verdict::kNotLinearizable);
  const Failure& exact = *full.failure;
  bool saw_inexact = false;
  for (int64_t states = 1; states <= full.states_explored; ++states) {
    const SearchResult cut =
        detail::check_register_tuned(ops, SearchLimits{states, {}}, {}, forced);
    EXPECT_LE(cut.states_explored, states);
    if (cut.verdict == Verdict::kUnknown) {
      EXPECT_FALSE(saw_inexact) << "a larger budget must not lose a proof";
      continue;
    }
    ASSERT_EQ(cut.verdict, Verdict::kNotLinearizable) << states;
    EXPECT_EQ(cut.failure->op_id, exact.op_id) << states;
    if (cut.failure->window_exact) {
      EXPECT_EQ(cut.failure, full.failure) << states;
      continue;
    }
    saw_inexact = true;
    EXPECT_FALSE(cut.unknown_reason.empty());
    EXPECT_TRUE(std::includes(cut.failure->values_before.begin(), cut.failure->values_before.end(),
                              exact.values_before.begin(), exact.values_before.end()))
        << states;
  }
  EXPECT_TRUE(saw_inexact);
}

TEST(RegisterCheck, SameInputSameResultWhateverTheOrder) {
  auto ops = many_concurrent_writes(8);
  ops.push_back(write_op(50, 3, 1000, kNever));
  const auto first = check(ops);
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(ops.begin(), ops.end(), rng);
    EXPECT_EQ(check(ops), first);
  }
}

}  // namespace
}  // namespace eddy::lin
