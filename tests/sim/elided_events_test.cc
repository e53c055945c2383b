// The simulator leaves out agenda events that would do nothing
// (SimOptions::elide_no_op_events): a delivery loop's wake-up when nothing is
// queued (Network::elide_idle_dequeues) and the timeout of a call already
// answered (ClientTimeouts). The run must be the same as with every event
// kept, event count and end time included. Compared here with it off, over
// the faults that touch an endpoint while a wake-up is left out (pauses,
// crashes and restarts, partitions, clients closed on a timeout), calls that
// do time out between ones that do not, latency that queues messages behind
// one another, Raft (whose invariant checks are spaced by the event count,
// so nothing is left out once a node runs Raft, with the count made whole)
// and a Raft bug those checks catch at a given event, and lin-kv.
#include <gtest/gtest.h>

#include <string>

#include "tests/broken/broken_variants.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using testing::history_text;
using testing::kafka_options;

// Runs `options` with and without the elision, expects the same run and
// returns it.
SimResult expect_same_run(SimOptions options) {
  options.elide_no_op_events = true;
  const SimResult elided = Simulation(options).run();
  options.elide_no_op_events = false;
  const SimResult kept = Simulation(options).run();
  const std::string replay = replay_command(options);
  EXPECT_GT(kept.history.size() + kept.linkv_history.size(), 100u) << replay;
  EXPECT_EQ(history_text(elided.history), history_text(kept.history)) << replay;
  EXPECT_EQ(history_text(elided.linkv_history), history_text(kept.linkv_history)) << replay;
  EXPECT_EQ(elided.events, kept.events) << replay;
  EXPECT_EQ(elided.end_us, kept.end_us) << replay;
  EXPECT_EQ(elided.abort_reason, kept.abort_reason) << replay;
  EXPECT_EQ(elided.node_steps, kept.node_steps) << replay;
  EXPECT_EQ(elided.net.all.sent, kept.net.all.sent) << replay;
  EXPECT_EQ(elided.net.all.received, kept.net.all.received) << replay;
  EXPECT_EQ(elided.net.all.dropped, kept.net.all.dropped) << replay;
  return kept;
}

TEST(ElidedEvents, SeedOneCommand) { expect_same_run(testing::seed001_options(1)); }

TEST(ElidedEvents, GossipUnderPartitionsPausesAndLatency) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimOptions options = kafka_options("gossip", 5, seed);
    options.nemesis = {"partition", "pause"};
    options.nemesis_interval_s = 1;
    options.latency_ms = 10;
    options.latency_dist = LatencyDist::kExponential;
    expect_same_run(options);
  }
}

TEST(ElidedEvents, TimeoutsCloseClientsWhileTheirWakeUpIsLeftOut) {
  // A node paused for longer than the client timeout: replies reach clients
  // that have gone, and the clients' endpoints close.
  SimOptions options = kafka_options("gossip", 3, 5);
  options.nemesis = {"pause"};
  options.nemesis_interval_s = 1;
  options.client_timeout_ms = 300;
  options.latency_ms = 5;
  const SimResult run = expect_same_run(options);
  EXPECT_GT(run.net.to_closed_client, 0) << "no reply reached a closed client";
}

// Counts the history's completions of each type.
int64_t completions_of(const SimResult& run, checker::OpType type) {
  int64_t count = 0;
  for (const checker::Op& op : run.history) count += op.type == type ? 1 : 0;
  return count;
}

TEST(ElidedEvents, LiveTimeoutsAmongAnsweredCallsOnEveryWorker) {
  // A short timeout and a long-tailed latency: most calls are answered in
  // time, so their timeouts are left out, while some time out, each then
  // behind its worker's armed event or taking its place. Partitions and
  // pauses leave whole stretches of calls unanswered.
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SimOptions options = kafka_options("gossip", 3, seed);
    options.concurrency = 6;
    options.nemesis = {"partition", "pause"};
    options.nemesis_interval_s = 0.5;
    options.latency_ms = 40;
    options.latency_dist = LatencyDist::kExponential;
    options.client_timeout_ms = 120;
    const SimResult run = expect_same_run(options);
    const std::string replay = replay_command(options);
    EXPECT_GT(completions_of(run, checker::OpType::kInfo), 20) << replay;
    EXPECT_GT(completions_of(run, checker::OpType::kOk),
              2 * completions_of(run, checker::OpType::kInfo))
        << replay;
  }
}

TEST(ElidedEvents, RaftWithCrashesLossAndDuplication) {
  SimOptions options = kafka_options("raft", 3, 4);
  options.nemesis = {"pause", "crash", "one-way"};
  options.nemesis_interval_s = 1;
  options.loss_p = 0.05;
  options.duplicate_p = 0.05;
  expect_same_run(options);
}

TEST(ElidedEvents, ARaftBugIsCaughtAtTheSameEvent) {
  // Two votes in one term, after the leader crashed: seed 25 is caught by
  // the invariant checks 1.5 s in (tests/sim/raft_sim_test.cc's case).
  broken::register_broken_variants();
  SimOptions options = testing::seed003_options(25);
  options.strategy = "broken:raft-two-votes";
  options.latency_ms = 10;
  options.nemesis = {"crash-leader"};
  options.nemesis_interval_s = 0.5;
  EXPECT_NE(expect_same_run(options).abort_reason, "") << "the bug was not caught";
}

TEST(ElidedEvents, LinKvOnRaftAndOnTheProxy) {
  SimOptions options = testing::seed003_options(3);
  options.time_limit_s = 5;
  options.nemesis = {"partition", "pause"};
  options.nemesis_interval_s = 1;
  expect_same_run(options);
  options.strategy = "raft";
  options.nemesis = {"partition", "crash"};
  expect_same_run(options);
}

}  // namespace
}  // namespace eddy::sim
