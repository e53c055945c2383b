// Every broken variant is caught: within 20 seeds of seed 001's command, the
// checker calls some run invalid, for the reason that variant should cause.
#include <gtest/gtest.h>

#include "tests/broken/broken_variants.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

struct Case {
  std::string strategy;
  std::vector<std::string> expected_anomalies;  // at least one of them must be found
  // Seed 001's flags, except where a flaw cannot show under them (see the case).
  int poll_msgs_per_key_max = core::Limits{}.poll_msgs_per_key_max;
  bool maelstrom_assign_bug = false;
};

class BrokenVariantTest : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() { broken::register_broken_variants(); }
};

TEST_P(BrokenVariantTest, CaughtWithin20Seeds) {
  const Case& c = GetParam();
  const auto caught = testing::first_invalid_seed(
      [&](uint64_t seed) {
        SimOptions options = testing::seed001_options(seed);
        options.strategy = c.strategy;
        options.limits.poll_msgs_per_key_max = c.poll_msgs_per_key_max;
        options.maelstrom_assign_bug = c.maelstrom_assign_bug;
        return options;
      },
      20);
  ASSERT_TRUE(caught.has_value()) << c.strategy << " was not caught within 20 seeds";
  EXPECT_TRUE(testing::found_any(caught->verdict.check, c.expected_anomalies))
      << c.strategy << " was caught for another reason:\n"
      << checker::format_report(caught->verdict.check) << caught->verdict.replay;
  RecordProperty("caught_at_seed", std::to_string(caught->seed));
}

INSTANTIATE_TEST_SUITE_P(
    Variants, BrokenVariantTest,
    ::testing::Values(Case{"broken:lose-write", {"lost-write", "unseen"}},
                      Case{"broken:reuse-offset", {"inconsistent-offsets"}},
                      Case{"broken:skip-poll", {"int-poll-skip", "poll-skip"}},
                      // With seed 001's flags every poll returns a key's whole
                      // log (16 messages, 64 allowed), so commits only ever
                      // rise and a node that lets them fall looks correct. It
                      // shows once polls return 2 records and a newly assigned
                      // key is re-read from 0, as Maelstrom 0.2.x's client does.
                      Case{"broken:commit-backwards", {"nonmonotonic-commit"}, 2, true},
                      Case{"broken:definite-error", {"G1a"}}),
    [](const ::testing::TestParamInfo<Case>& param_info) {
      std::string name = param_info.param.strategy.substr(std::string("broken:").size());
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

TEST(BrokenVariantTest, TheCorrectStrategyPassesTheSameSeeds) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimOptions options = testing::seed001_options(seed);
    for (const bool small_polls : {false, true}) {
      options.limits.poll_msgs_per_key_max = small_polls ? 2 : core::Limits{}.poll_msgs_per_key_max;
      options.maelstrom_assign_bug = small_polls;
      const auto verdict = testing::run_and_check(options);
      EXPECT_EQ(verdict.check.validity, checker::Validity::kValid)
          << checker::format_report(verdict.check) << verdict.replay;
    }
  }
}

}  // namespace
}  // namespace eddy::sim
