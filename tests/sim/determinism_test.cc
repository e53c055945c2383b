// The same seed and flags give byte-identical history and report; another
// seed gives another history.
#include <gtest/gtest.h>

#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using testing::history_text;
using testing::run_and_check;
using testing::seed001_options;

TEST(Determinism, SameSeedSameHistoryAndReport) {
  SimOptions options = seed001_options(7);
  options.time_limit_s = 5;
  const auto first = run_and_check(options);
  const auto second = run_and_check(options);
  ASSERT_GT(first.result.history.size(), 1000u);
  EXPECT_EQ(history_text(first.result.history), history_text(second.result.history));
  EXPECT_EQ(format_run_report(options, first.result, run_check_of(first.check)),
            format_run_report(options, second.result, run_check_of(second.check)));
}

TEST(Determinism, SameSeedSameHistoryWithFaultsAndLatency) {
  SimOptions options = seed001_options(11);
  options.time_limit_s = 5;
  options.latency_ms = 10;
  options.latency_dist = LatencyDist::kExponential;
  options.nemesis = {"pause"};
  options.nemesis_interval_s = 1;
  const auto first = run_and_check(options);
  const auto second = run_and_check(options);
  EXPECT_EQ(history_text(first.result.history), history_text(second.result.history));
  EXPECT_EQ(first.result.net.all.sent, second.result.net.all.sent);
}

TEST(Determinism, DifferentSeedsDiffer) {
  SimOptions a = seed001_options(1);
  SimOptions b = seed001_options(2);
  a.time_limit_s = b.time_limit_s = 3;
  EXPECT_NE(history_text(run_and_check(a).result.history),
            history_text(run_and_check(b).result.history));
}

}  // namespace
}  // namespace eddy::sim
