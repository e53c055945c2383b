// rapidcheck: random scenarios for each multi-node strategy (node count,
// rate, latency and its distribution, fault mix, seed), run in the
// simulator; safety must hold in every one (sim::judge). A failure shrinks
// to a small scenario and prints its replay command. RC_PARAMS bounds the
// case count (scripts/test.sh sets it for CI).
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "sim/fuzz.h"
#include "tests/sim/net_scenario.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

struct Scenario {
  uint64_t seed;
  int nodes;
  int rate_per_s;
  testing::NetScenario net;
  bool partition;
  bool one_way;
  bool pause;
};

constexpr testing::NetBounds kNet{.latency_ms_max = 100,
                                  .loss_per_mille_max = 149,
                                  .duplicate_per_mille_max = 149,
                                  .spike_per_mille_max = 49,
                                  .spike_ms = 500};

rc::Gen<Scenario> gen_scenario() {
  return rc::gen::build<Scenario>(rc::gen::set(&Scenario::seed, rc::gen::arbitrary<uint64_t>()),
                                  rc::gen::set(&Scenario::nodes, rc::gen::inRange(1, 6)),
                                  rc::gen::set(&Scenario::rate_per_s, rc::gen::inRange(100, 2001)),
                                  rc::gen::set(&Scenario::net, testing::gen_net_scenario(kNet)),
                                  rc::gen::set(&Scenario::partition, rc::gen::arbitrary<bool>()),
                                  rc::gen::set(&Scenario::one_way, rc::gen::arbitrary<bool>()),
                                  rc::gen::set(&Scenario::pause, rc::gen::arbitrary<bool>()));
}

SimOptions options_for(const std::string& strategy, const Scenario& s) {
  SimOptions o;
  o.strategy = strategy;
  o.seed = s.seed;
  o.node_count = s.nodes;
  o.concurrency = 2 * s.nodes;
  o.rate_per_s = s.rate_per_s;
  o.time_limit_s = 2;
  testing::apply_net_scenario(s.net, kNet, o);
  if (s.partition) o.nemesis.emplace_back("partition");
  if (s.one_way) o.nemesis.emplace_back("one-way");
  if (s.pause) o.nemesis.emplace_back("pause");
  o.nemesis_interval_s = 1;
  return o;
}

void check_strategy(const std::string& strategy) {
  const Scenario scenario = *gen_scenario();
  const SimOptions options = options_for(strategy, scenario);
  const auto verdict = testing::run_and_check(options);
  RC_LOG() << "replay: " << verdict.replay << "\n";
  const Judgement judgement = judge(options, run_check_of(verdict.check), verdict.result);
  if (!judgement.safety.empty()) {
    RC_FAIL(judgement.safety + "\n" + checker::format_report(verdict.check) +
            "\nreplay: " + verdict.replay);
  }
}

RC_GTEST_PROP(StrategyProperty, GossipIsSafe, ()) { check_strategy("gossip"); }
RC_GTEST_PROP(StrategyProperty, LinKvIsSafe, ()) { check_strategy("linkv"); }
RC_GTEST_PROP(StrategyProperty, LeaderIsSafe, ()) { check_strategy("leader"); }

}  // namespace
}  // namespace eddy::sim
