// The multi-node strategies' broken variants are caught within 50 seeds of
// a two-node run (seed 002's command: --node-count 2 --concurrency 2n
// --time-limit 20 --rate 1000), for the reason their flaw should cause.
#include <gtest/gtest.h>

#include "tests/broken/broken_variants.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

struct MultiNodeCase {
  std::string strategy;
  std::vector<std::string> expected_anomalies;
  std::vector<std::string> nemesis;
  // A forward that times out because its *reply* was lost is where a
  // definite error lies; partitions drop the request instead, so the leader
  // variant runs with message loss.
  double loss_p = 0;
};

class MultiNodeBrokenTest : public ::testing::TestWithParam<MultiNodeCase> {
 protected:
  static void SetUpTestSuite() { broken::register_broken_variants(); }
};

TEST_P(MultiNodeBrokenTest, CaughtWithin50Seeds) {
  const MultiNodeCase& c = GetParam();
  const auto caught = testing::first_invalid_seed(
      [&](uint64_t seed) {
        SimOptions options = testing::seed001_options(seed);
        options.strategy = c.strategy;
        options.node_count = 2;
        options.concurrency = 4;
        options.nemesis = c.nemesis;
        options.loss_p = c.loss_p;
        return options;
      },
      50);
  ASSERT_TRUE(caught.has_value()) << c.strategy << " was not caught within 50 seeds";
  EXPECT_TRUE(testing::found_any(caught->verdict.check, c.expected_anomalies))
      << c.strategy << " was caught for another reason:\n"
      << checker::format_report(caught->verdict.check) << caught->verdict.replay;
  RecordProperty("caught_at_seed", std::to_string(caught->seed));
}

INSTANTIATE_TEST_SUITE_P(
    Variants, MultiNodeBrokenTest,
    ::testing::Values(MultiNodeCase{"broken:gossip-poll-past-hole",
                                    {"poll-skip", "int-poll-skip", "lost-write"},
                                    {}},
                      MultiNodeCase{"broken:gossip-overlapping-classes",
                                    {"inconsistent-offsets", "duplicate"},
                                    {}},
                      MultiNodeCase{"broken:leader-definite-timeout", {"G1a"}, {}, 0.05}),
    [](const ::testing::TestParamInfo<MultiNodeCase>& param_info) {
      std::string name = param_info.param.strategy.substr(std::string("broken:").size());
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

}  // namespace
}  // namespace eddy::sim
