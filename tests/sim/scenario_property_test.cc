// rapidcheck: random scenarios (rate, latency, fault schedule, seed) run the
// single-node strategy in the simulator. Safety must always hold: no anomaly
// that makes a run invalid, no undecidable history. Liveness (Maelstrom's
// stats rule: every f needs an ok) is asserted only without the pause fault,
// since a node paused for a whole short run rightly serves nothing. A failure
// shrinks to a small scenario and prints its replay command.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "tests/sim/net_scenario.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

struct Scenario {
  uint64_t seed;
  int rate_per_s;
  int time_limit_s;
  testing::NetScenario net;
  bool pause;
};

constexpr testing::NetBounds kNet{.latency_ms_max = 99,
                                  .loss_per_mille_max = 199,
                                  .duplicate_per_mille_max = 199,
                                  .spike_per_mille_max = 99,
                                  .spike_ms = 200};

rc::Gen<Scenario> gen_scenario() {
  return rc::gen::build<Scenario>(rc::gen::set(&Scenario::seed, rc::gen::arbitrary<uint64_t>()),
                                  rc::gen::set(&Scenario::rate_per_s, rc::gen::inRange(1, 3000)),
                                  rc::gen::set(&Scenario::time_limit_s, rc::gen::inRange(1, 8)),
                                  rc::gen::set(&Scenario::net, testing::gen_net_scenario(kNet)),
                                  rc::gen::set(&Scenario::pause, rc::gen::arbitrary<bool>()));
}

SimOptions options_for(const Scenario& s) {
  SimOptions options = testing::seed001_options(s.seed);
  options.rate_per_s = s.rate_per_s;
  options.time_limit_s = s.time_limit_s;
  testing::apply_net_scenario(s.net, kNet, options);
  if (s.pause) {
    options.nemesis = {"pause"};
    options.nemesis_interval_s = 2;
  }
  return options;
}

RC_GTEST_PROP(ScenarioProperty, SingleNodeRunsAreValid, ()) {
  const Scenario scenario = *gen_scenario();
  const SimOptions options = options_for(scenario);
  const auto verdict = testing::run_and_check(options);
  RC_LOG() << "replay: " << verdict.replay << "\n";
  RC_ASSERT(verdict.result.abort_reason.empty());
  const bool safe = verdict.check.bad_anomaly_types.empty() &&
                    verdict.check.validity != checker::Validity::kUnknown;
  const bool live = scenario.pause || verdict.check.stats_problems.empty();
  if (!safe || !live) {
    RC_FAIL(checker::format_report(verdict.check) + "\nreplay: " + verdict.replay);
  }
}

}  // namespace
}  // namespace eddy::sim
