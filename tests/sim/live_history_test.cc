// The history's readers (Simulation::run's HistoryReaders, sim/history_feed.h)
// see each op as it is in the final history: what they write is
// byte-identical to writing the final history whole, and the commit-order
// pass fed op by op finds what it finds over the final history, and
// report.html's data built op by op renders as the final history's does (its
// ops' columns, written span by span, too). Runs with
// partitions, pauses, crashes, one-way cuts, loss and duplication, Raft and a
// strategy whose commits go backwards (so the pass has something to find),
// and lin-kv. The kafka checker given its fed passes gives the same result as
// over the final history.
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "checker/commit_order.h"
#include "checker/history_io.h"
#include "checker/kafka_checker.h"
#include "checker/linkv_history_io.h"
#include "sim/html_report/html_report.h"
#include "sim/html_report/report_data.h"
#include "sim/simulation.h"
#include "tests/broken/broken_variants.h"
#include "tests/sim/sim_test_support.h"

namespace eddy::sim {
namespace {

using testing::kafka_options;

std::string page_of(const html_report::ReportData& data) {
  return html_report::render_html(html_report::ReportMeta{}, data, RunCheck{}, nullptr);
}

// Returns the anomalies the fed commit-order pass counted.
int64_t expect_fed_as_final(const SimOptions& options) {
  std::ostringstream fed_lines;
  checker::HistoryWriter writer(fed_lines);
  checker::detail::CommitOrderPass commit_order{checker::CheckOptions{}};
  checker::KafkaHistoryPasses passes;
  html_report::ReportBuilder<checker::Op> report;
  report.write_ops_columns();
  HistoryReaders readers;
  readers.kafka = [&](const checker::Op& op) {
    writer.add(op);
    commit_order.add(op);
    passes.add(op);
    report.add(op);
  };
  const SimResult result = Simulation(options).run({}, readers);
  writer.flush();
  EXPECT_TRUE(result.abort_reason.empty()) << result.abort_reason;
  EXPECT_GT(result.history.size(), 100u);
  std::ostringstream whole;
  checker::write_history(result.history, whole);
  EXPECT_EQ(fed_lines.str(), whole.str()) << "strategy " << options.strategy;
  const checker::Anomaly fed = std::move(commit_order).finish();
  const checker::Anomaly final =
      checker::detail::find_nonmonotonic_commits(result.history, checker::CheckOptions{});
  EXPECT_EQ(fed.count, final.count);
  EXPECT_EQ(fed.examples, final.examples);
  // report.html from the data built as the run went: the same page, and
  // the same ops' columns written span by span as over the final data.
  html_report::FinishedReport finished = std::move(report).finish_with_ops_json();
  const html_report::ReportData final_data = html_report::build_report_data(result.history);
  EXPECT_EQ(page_of(finished.data), page_of(final_data));
  EXPECT_EQ(html_report::columns_json(std::move(finished.ops_json), nullptr),
            html_report::columns_json(final_data, nullptr));
  // The whole check, its index (with the version log), commit-order pass and
  // stats fed: the same result.
  EXPECT_EQ(checker::to_json(checker::check_kafka(result.history, std::move(passes))),
            checker::to_json(checker::check_kafka(result.history)));
  return fed.count;
}

TEST(LiveHistory, GossipUnderPartitionsAndPauses) {
  SimOptions options = kafka_options("gossip", 3, 4);
  options.nemesis = {"partition", "pause"};
  options.nemesis_interval_s = 1;
  options.latency_ms = 5;
  expect_fed_as_final(options);
}

TEST(LiveHistory, RaftUnderCrashesLossAndDuplication) {
  SimOptions options = kafka_options("raft", 3, 4);
  options.nemesis = {"crash", "one-way"};
  options.nemesis_interval_s = 1;
  options.loss_p = 0.05;
  options.duplicate_p = 0.05;
  expect_fed_as_final(options);
}

TEST(LiveHistory, CommitsGoingBackwardsAreFoundAsOverTheWholeHistory) {
  broken::register_broken_variants();
  int64_t found = 0;
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SimOptions options = kafka_options("broken:commit-backwards", 1, seed);
    options.limits.poll_msgs_per_key_max = 2;  // as broken_variants_test.cc
    options.maelstrom_assign_bug = true;
    options.time_limit_s = 20;
    options.rate_per_s = 1000;
    found += expect_fed_as_final(options);
  }
  EXPECT_GT(found, 0) << "the pass had nothing to find";
}

TEST(LiveHistory, LinKvUnderPartitions) {
  SimOptions options;
  options.seed = 3;
  options.workload = "lin-kv";
  options.strategy = "raft";
  options.node_count = 3;
  options.concurrency = 6;
  options.time_limit_s = 5;
  options.rate_per_s = 200;
  options.nemesis = {"partition", "crash"};
  options.nemesis_interval_s = 1;
  std::ostringstream fed_lines;
  checker::LinKvHistoryWriter writer(fed_lines);
  html_report::ReportBuilder<checker::LinKvOp> report;
  report.write_ops_columns();
  HistoryReaders readers;
  readers.linkv = [&](const checker::LinKvOp& op) {
    writer.add(op);
    report.add(op);
  };
  const SimResult result = Simulation(options).run({}, readers);
  writer.flush();
  ASSERT_TRUE(result.abort_reason.empty()) << result.abort_reason;
  ASSERT_GT(result.linkv_history.size(), 100u);
  std::ostringstream whole;
  checker::write_linkv_history(result.linkv_history, whole);
  EXPECT_EQ(fed_lines.str(), whole.str());
  html_report::FinishedReport finished = std::move(report).finish_with_ops_json();
  const html_report::ReportData final_data = html_report::build_report_data(result.linkv_history);
  EXPECT_EQ(page_of(finished.data), page_of(final_data));
  EXPECT_EQ(html_report::columns_json(std::move(finished.ops_json), nullptr),
            html_report::columns_json(final_data, nullptr));
}

}  // namespace
}  // namespace eddy::sim
