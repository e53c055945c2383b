// The simulator's lin-kv workload (sim/linkv/), as Maelstrom drives it:
// seed 003's command with the proxy strategy is valid, the op mix and the key
// groups follow jepsen's generators, outcomes follow maelstrom client.clj's
// with-errors, runs replay byte for byte, and every broken proxy is caught.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <set>

#include "tests/broken/broken_kv.h"
#include "tests/broken/broken_variants.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using checker::LinKvF;
using checker::LinKvOp;
using checker::OpType;
using checker::Validity;
using testing::run_and_check_linkv;
using testing::seed003_options;

size_t count(const checker::LinKvHistory& history, OpType type, LinKvF f) {
  size_t n = 0;
  for (const LinKvOp& op : history) n += op.type == type && op.f == f;
  return n;
}

std::set<std::string> keys_of(const checker::LinKvHistory& history) {
  std::set<std::string> keys;
  for (const LinKvOp& op : history) {
    if (op.f != LinKvF::kNemesis) keys.insert(op.key.to_json_text());
  }
  return keys;
}

TEST(LinKvWorkload, Seed003CommandWithTheProxyIsValid) {
  const auto verdict = run_and_check_linkv(seed003_options(1));
  ASSERT_TRUE(verdict.result.abort_reason.empty()) << verdict.result.abort_reason;
  EXPECT_EQ(verdict.check.validity, Validity::kValid)
      << checker::format_report(verdict.check) << verdict.replay;
  // 20 s at 100 ops/s: about 2000 ops, each one request to a node and one to lin-kv.
  EXPECT_NEAR(static_cast<double>(verdict.check.client_invocations), 2000, 150);
  EXPECT_EQ(verdict.result.service_requests.at("lin-kv"), verdict.check.client_invocations);
  // No op went indeterminate, so the one group of threads never left key 0.
  EXPECT_EQ(keys_of(verdict.result.linkv_history), std::set<std::string>{"0"});
}

TEST(LinKvWorkload, OpMixIsJepsensHalfReadsThenWriteCasOneToTwo) {
  SimOptions options = seed003_options(2);
  options.time_limit_s = 60;
  const auto& history = run_and_check_linkv(options).result.linkv_history;
  const double reads = static_cast<double>(count(history, OpType::kInvoke, LinKvF::kRead));
  const double writes = static_cast<double>(count(history, OpType::kInvoke, LinKvF::kWrite));
  const double cas = static_cast<double>(count(history, OpType::kInvoke, LinKvF::kCas));
  const double all = reads + writes + cas;
  ASSERT_GT(all, 5000);
  EXPECT_NEAR(reads / all, 0.5, 0.03);
  EXPECT_NEAR(writes / all, 0.5 / 3, 0.03);
  EXPECT_NEAR(cas / all, 1.0 / 3, 0.03);
  for (const LinKvOp& op : history) {
    if (op.f == LinKvF::kWrite) {
      ASSERT_TRUE(op.value && op.value->integer() >= 0 && op.value->integer() < 5);
    }
    if (op.f == LinKvF::kCas) {
      ASSERT_TRUE(op.from.integer() >= 0 && op.from.integer() < 5);
      ASSERT_TRUE(op.to.integer() >= 0 && op.to.integer() < 5);
    }
  }
}

TEST(LinKvWorkload, ReadsComeOnlyFromTheFirstGroupsFirstNThreads) {
  // --concurrency 4n: two groups, keys 0 and 1. jepsen's gen/reserve counts
  // its reading range from thread 0, so threads 0..n-1 read and the second
  // group (threads 2n..4n-1) only writes and cas-es.
  SimOptions options = seed003_options(3);
  options.node_count = 2;
  options.concurrency = 8;
  const auto verdict = run_and_check_linkv(options);
  EXPECT_EQ(verdict.check.validity, Validity::kValid) << checker::format_report(verdict.check);
  std::map<std::string, std::set<LinKvF>> fs_by_key;
  for (const LinKvOp& op : verdict.result.linkv_history) {
    if (op.type != OpType::kInvoke) continue;
    const int64_t thread = op.process % options.concurrency;
    if (op.f == LinKvF::kRead) {
      EXPECT_LT(thread, options.node_count) << "process " << op.process;
    }
    fs_by_key[op.key.to_json_text()].insert(op.f);
  }
  EXPECT_EQ(fs_by_key["0"], (std::set<LinKvF>{LinKvF::kRead, LinKvF::kWrite, LinKvF::kCas}));
  EXPECT_EQ(fs_by_key["1"], (std::set<LinKvF>{LinKvF::kWrite, LinKvF::kCas}));
}

// A node that takes every request and never answers.
class SilentNode final : public core::Application {
 public:
  bool on_request(core::Context&, core::Message&) override { return true; }
};

TEST(LinKvWorkload, TimeoutsFailReadsAndLeaveWritesIndeterminate) {
  SimOptions options = seed003_options(4);
  options.node_count = 1;
  options.concurrency = 2;
  options.time_limit_s = 10;
  options.process_limit = 4;
  options.application_factory = [](int) { return std::make_unique<SilentNode>(); };
  const auto verdict = run_and_check_linkv(options);
  const auto& history = verdict.result.linkv_history;
  std::map<int64_t, int64_t> invoked_at;
  int64_t writer_process = 1;
  for (const LinKvOp& op : history) {
    if (op.type == OpType::kInvoke) {
      invoked_at[op.process] = op.time_us;
      continue;
    }
    // max(10 x 0 ms, 1000 ms)
    EXPECT_EQ(op.time_us - invoked_at[op.process], 1'000'000) << op.index;
    EXPECT_EQ(op.error, "net-timeout");
    if (op.f == LinKvF::kRead) {
      EXPECT_EQ(op.type, OpType::kFail) << "a read is idempotent: a timeout fails it";
      EXPECT_EQ(op.process, 0) << "a failed op keeps its process";
    } else {
      EXPECT_EQ(op.type, OpType::kInfo);
      EXPECT_EQ(op.process, writer_process);
      writer_process += options.concurrency;  // the next op runs as a new process
    }
  }
  // Processes 0, 1, 3, 5 fill the limit of 4; process 7 moves the group on.
  EXPECT_GE(keys_of(history).size(), 2u);
  EXPECT_EQ(verdict.check.workload_validity, Validity::kValid) << "nothing happened: no lie";
  EXPECT_EQ(verdict.check.validity, Validity::kInvalid) << "no op of any f was ok";
  EXPECT_FALSE(verdict.check.stats_problems.empty());
}

TEST(LinKvWorkload, IndeterminateOpsMoveTheGroupToNewKeysAndStayLinearizable) {
  SimOptions options = seed003_options(5);
  options.loss_p = 0.1;  // replies lost: the proxy answers error 0, indefinite
  const auto verdict = run_and_check_linkv(options);
  EXPECT_GT(count(verdict.result.linkv_history, OpType::kInfo, LinKvF::kCas) +
                count(verdict.result.linkv_history, OpType::kInfo, LinKvF::kWrite),
            50u);
  EXPECT_GT(keys_of(verdict.result.linkv_history).size(), 3u);
  EXPECT_EQ(verdict.check.validity, Validity::kValid)
      << checker::format_report(verdict.check) << verdict.replay;
}

TEST(LinKvWorkload, SameSeedSameHistoryAndReport) {
  SimOptions options = seed003_options(6);
  options.time_limit_s = 5;
  options.latency_ms = 20;
  options.latency_dist = LatencyDist::kExponential;
  options.nemesis = {"partition"};
  options.nemesis_interval_s = 1;
  options.loss_p = 0.05;
  const SimResult first = Simulation(options).run();
  const SimResult second = Simulation(options).run();
  ASSERT_GT(first.linkv_history.size(), 500u);
  EXPECT_EQ(testing::history_text(first.linkv_history),
            testing::history_text(second.linkv_history));
  EXPECT_EQ(format_run_report(options, first, check_run(options, first)),
            format_run_report(options, second, check_run(options, second)));
  options.seed = 7;
  EXPECT_NE(testing::history_text(Simulation(options).run().linkv_history),
            testing::history_text(first.linkv_history));
}

// --- broken variants ------------------------------------------------------------

struct BrokenCase {
  std::string strategy;
  double loss_p = 0;  // kv-definite-timeout lies only about forwards that timed out
};

class BrokenKvTest : public ::testing::TestWithParam<BrokenCase> {
 protected:
  static void SetUpTestSuite() { broken::register_broken_variants(); }
};

TEST_P(BrokenKvTest, CaughtWithin20Seeds) {
  const BrokenCase& c = GetParam();
  const auto caught = testing::first_caught_linkv_seed(
      [&](uint64_t seed) {
        SimOptions options = seed003_options(seed);
        options.strategy = c.strategy;
        options.loss_p = c.loss_p;
        return options;
      },
      20);
  ASSERT_TRUE(caught.has_value()) << c.strategy << " was not caught within 20 seeds";
  const testing::LinKvVerdict& verdict = caught->verdict;
  // Caught by the linearizability checker, with a window to show for it.
  ASSERT_GT(verdict.check.keys_invalid, 0);
  bool described = false;
  for (const auto& key : verdict.check.keys) described = described || key.violation.has_value();
  EXPECT_TRUE(described) << checker::format_report(verdict.check);
  RecordProperty("caught_at_seed", std::to_string(caught->seed));
  // The correct proxy passes the same seed and flags.
  SimOptions options = seed003_options(caught->seed);
  options.loss_p = c.loss_p;
  const auto correct = run_and_check_linkv(options);
  EXPECT_EQ(correct.check.validity, Validity::kValid)
      << checker::format_report(correct.check) << correct.replay;
}

INSTANTIATE_TEST_SUITE_P(Variants, BrokenKvTest,
                         ::testing::Values(BrokenCase{"broken:kv-stale-cache"},
                                           BrokenCase{"broken:kv-early-cas-ack"},
                                           BrokenCase{"broken:kv-definite-timeout", 0.05}),
                         [](const ::testing::TestParamInfo<BrokenCase>& param_info) {
                           std::string name =
                               param_info.param.strategy.substr(std::string("broken:").size());
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

// --- random scenarios -------------------------------------------------------------

// The proxy is linearizable whatever Maelstrom's network and nemesis do. Not
// under --duplicate-p: a request lin-kv receives twice takes effect twice,
// the second time perhaps after the client's reply, and a stateless proxy
// cannot prevent it (Maelstrom never duplicates).
RC_GTEST_PROP(LinKvScenario, ProxyRunsAreLinearizable, ()) {
  SimOptions options = seed003_options(*rc::gen::arbitrary<uint64_t>());
  options.node_count = *rc::gen::inRange(1, 6);
  options.concurrency = 2 * options.node_count * *rc::gen::inRange(1, 3);
  options.time_limit_s = *rc::gen::inRange(1, 6);
  options.rate_per_s = *rc::gen::inRange(10, 1000);
  options.latency_ms = *rc::gen::inRange(0, 100);
  options.latency_dist = static_cast<LatencyDist>(*rc::gen::inRange(0, 3));
  if (*rc::gen::arbitrary<bool>()) {
    options.nemesis = {"partition"};
    options.nemesis_interval_s = 1;
  }
  options.loss_p = *rc::gen::inRange(0, 200) / 1000.0;
  options.spike_p = *rc::gen::inRange(0, 100) / 1000.0;
  options.spike_ms = 1500;
  options.process_limit = *rc::gen::inRange(1, 30);
  const auto verdict = run_and_check_linkv(options);
  RC_LOG() << "replay: " << verdict.replay << "\n";
  RC_ASSERT(verdict.result.abort_reason.empty());
  if (verdict.check.workload_validity != Validity::kValid) {
    RC_FAIL(checker::format_report(verdict.check) + "\nreplay: " + verdict.replay);
  }
}

}  // namespace
}  // namespace eddy::sim
