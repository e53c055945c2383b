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
  for (uint64_t seed = 1; seed <= 50; ++seed) {
    SimOptions options = testing::seed001_options(seed);
    options.strategy = c.strategy;
    options.node_count = 2;
    options.concurrency = 4;
    options.nemesis = c.nemesis;
    options.loss_p = c.loss_p;
    const auto verdict = testing::run_and_check(options);
    if (verdict.check.validity != checker::Validity::kInvalid) continue;
    bool expected = false;
    for (const std::string& anomaly : c.expected_anomalies) {
      expected = expected || verdict.check.anomalies.contains(anomaly);
    }
    EXPECT_TRUE(expected) << c.strategy << " was caught for another reason:\n"
                          << checker::format_report(verdict.check) << verdict.replay;
    RecordProperty("caught_at_seed", std::to_string(seed));
    return;
  }
  FAIL() << c.strategy << " was not caught within 50 seeds";
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
