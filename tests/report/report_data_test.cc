// The data report.html embeds, from small hand-written histories: pairing
// into ops, throughput bins, nemesis intervals, latency sampling, anomaly
// links (kafka examples and lin-kv violations), the kafka key view, the
// Lamport diagram's lanes and messages, and the page's escaping.
#include <sstream>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checker/kafka_checker.h"
#include "checker/linkv_checker.h"
#include "sim/html_report/diagram_data.h"
#include "sim/html_report/html_report.h"
#include "sim/html_report/report_data.h"
#include "sim/run_check.h"
#include "tests/report/kafka_story.h"

namespace eddy::sim::html_report {
namespace {

using checker::OpF;
using checker::OpType;

TEST(ReportData, BinWidthIsTheSmallestOneTwoFiveStepWithinTheBinLimit) {
  EXPECT_EQ(throughput_bin_us(0, 200), 1'000);
  EXPECT_EQ(throughput_bin_us(199'000, 200), 1'000);  // 200 bins of 1 ms
  EXPECT_EQ(throughput_bin_us(200'000, 200), 2'000);  // 201 would be one too many
  EXPECT_EQ(throughput_bin_us(20'000'000, 200), 200'000);
  EXPECT_EQ(throughput_bin_us(40'000'000, 200), 500'000);
  EXPECT_EQ(throughput_bin_us(999, 1), 1'000);
}

TEST(ReportData, PairsInvocationsWithCompletionsAndBinsThemByCompletion) {
  KafkaStory s;
  s.send(0, 0, OpType::kInvoke, "1", 1);
  s.add(500, 1, OpType::kInvoke, OpF::kPoll);
  s.send(1'000, 0, OpType::kOk, "1", 1).offset = 0;
  s.add(2'500, 1, OpType::kInfo, OpF::kPoll).error = "indeterminate: timed out";
  s.send(3'000, 0, OpType::kInvoke, "1", 2);
  s.send(3'500, 0, OpType::kFail, "1", 2).error = "error 11";
  s.send(4'000, 2, OpType::kInvoke, "2", 1);  // never completes
  const ReportData data = build_report_data(s.history());

  ASSERT_EQ(data.ops.size(), 4u);
  EXPECT_EQ(data.fs, (std::vector<std::string>{"send", "poll"}));
  EXPECT_EQ(data.processes, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(data.ops[0].outcome, Outcome::kOk);
  EXPECT_EQ(data.ops[0].complete_us, 1'000);
  EXPECT_EQ(data.text(data.ops[0]), "send 1=1 @0");  // the completion's text: it knows the offset
  EXPECT_EQ(data.ops[1].outcome, Outcome::kInfo);
  EXPECT_EQ(data.ops[2].outcome, Outcome::kFail);
  EXPECT_EQ(data.ops[3].outcome, Outcome::kPending);
  EXPECT_EQ(data.ops[3].complete_us, -1);
  EXPECT_EQ(data.text(data.ops[3]), "send 2=1");  // never completed: its invocation's text
  EXPECT_EQ(data.span_of_index, (std::vector<int64_t>{0, 1, 0, 1, 2, 2, 3}));
  // Three completed ops, all plotted; the pending one has no latency.
  EXPECT_EQ(data.latency_points, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(data.sampling.completed, 3);
  EXPECT_EQ(data.sampling.plotted, 3);

  // end 4 ms -> 1 ms bins, 5 of them; one series per (f, outcome).
  EXPECT_EQ(data.throughput.bin_us, 1'000);
  ASSERT_EQ(data.throughput.series.size(), 3u);
  EXPECT_EQ(data.throughput.series[0].f, 0);
  EXPECT_EQ(data.throughput.series[0].outcome, Outcome::kOk);
  EXPECT_EQ(data.throughput.series[0].counts, (std::vector<int64_t>{0, 1, 0, 0, 0}));
  EXPECT_EQ(data.throughput.series[1].outcome, Outcome::kFail);
  EXPECT_EQ(data.throughput.series[1].counts, (std::vector<int64_t>{0, 0, 0, 1, 0}));
  EXPECT_EQ(data.throughput.series[2].f, 1);
  EXPECT_EQ(data.throughput.series[2].counts, (std::vector<int64_t>{0, 0, 1, 0, 0}));
}

TEST(ReportData, AnInvocationLeftOpenByTheNextKeepsItsOwnText) {
  KafkaStory s;
  s.send(0, 0, OpType::kInvoke, "1", 7);
  s.send(1'000, 0, OpType::kInvoke, "2", 8);  // the first never completes
  s.send(2'000, 0, OpType::kOk, "2", 8).offset = 3;
  s.add(3'000, 1, OpType::kOk, OpF::kPoll);  // a completion without an invocation
  const ReportData data = build_report_data(s.history());

  ASSERT_EQ(data.ops.size(), 3u);
  EXPECT_EQ(data.ops[0].outcome, Outcome::kPending);
  EXPECT_EQ(data.text(data.ops[0]), "send 1=7");
  EXPECT_EQ(data.text(data.ops[1]), "send 2=8 @3");
  EXPECT_EQ(data.ops[2].invoke_us, 3'000);
  EXPECT_EQ(data.ops[2].complete_us, 3'000);
  EXPECT_EQ(data.span_of_index, (std::vector<int64_t>{0, 1, 1, 2}));
}

TEST(ReportData, NemesisIntervalsOpenAtStartsAndCloseAtStops) {
  const std::vector<NemesisEntry> entries{
      NemesisEntry{1'000, "start-partition majority [n0] | [n1 n2]"},
      // Jepsen logs a fault's invocation and completion alike: one interval.
      NemesisEntry{1'100, "start-partition majority [n0] | [n1 n2]"},
      NemesisEntry{3'000, "stop (heal all)"}, NemesisEntry{4'000, "start-pause n1"},
      NemesisEntry{4'500, "start-partition [:isolated]"},
      NemesisEntry{5'000, "stop-partition nil"},       // closes its kind only
      NemesisEntry{6'000, "stop-crash (restart n2)"},  // nothing of that kind is open
  };
  const std::vector<NemesisInterval> intervals = nemesis_intervals(entries, 9'000);
  ASSERT_EQ(intervals.size(), 3u);
  EXPECT_EQ(intervals[0].kind, "partition");
  EXPECT_EQ(intervals[0].start_us, 1'000);
  EXPECT_EQ(intervals[0].end_us, 3'000);
  EXPECT_EQ(intervals[0].label, "start-partition majority [n0] | [n1 n2]");
  EXPECT_EQ(intervals[1].kind, "pause");
  EXPECT_EQ(intervals[1].start_us, 4'000);
  EXPECT_EQ(intervals[1].end_us, 9'000);  // never stopped: to the end of the history
  EXPECT_EQ(intervals[2].kind, "partition");
  EXPECT_EQ(intervals[2].start_us, 4'500);
  EXPECT_EQ(intervals[2].end_us, 5'000);
}

TEST(ReportData, SamplingKeepsEveryFailureEachBinsSlowestAndAStrideOfTheRest) {
  KafkaStory s;
  for (int64_t i = 0; i < 100; ++i) {
    const int64_t t = i * 10'000;
    s.send(t, 0, OpType::kInvoke, "1", i);
    // Op 37 is the slowest by far.
    s.send(t + (i == 37 ? 9'000 : 100), 0, i % 25 == 3 ? OpType::kFail : OpType::kOk, "1", i);
  }
  ReportOptions options;
  options.latency_points_max = 20;
  options.throughput_bins_max = 2;  // two bins of 1 s over the 1 s run
  const ReportData data = build_report_data(s.history(), options);
  EXPECT_EQ(data.sampling.completed, 100);
  // 4 fails kept; 96 ok ops over a budget of 16 -> every 6th.
  EXPECT_EQ(data.sampling.stride, 6);
  EXPECT_EQ(data.sampling.plotted, static_cast<int64_t>(data.latency_points.size()));
  EXPECT_LT(data.sampling.plotted, 30);
  const auto plotted = [&](int64_t id) {
    return std::find(data.latency_points.begin(), data.latency_points.end(), id) !=
           data.latency_points.end();
  };
  for (const int64_t fail : {3, 28, 53, 78}) EXPECT_TRUE(plotted(fail)) << fail;
  EXPECT_TRUE(plotted(37));  // the spike
  EXPECT_TRUE(plotted(0));   // the stride's first
  EXPECT_FALSE(plotted(1));
  EXPECT_TRUE(std::is_sorted(data.latency_points.begin(), data.latency_points.end()));
}

// A send that failed (a definite error) whose value a poll then read: G1a.
checker::History g1a_history() {
  KafkaStory s;
  s.send(0, 0, OpType::kInvoke, "k", 1);
  s.send(1'000, 0, OpType::kFail, "k", 1).error = "error 11";
  s.add(2'000, 1, OpType::kInvoke, OpF::kPoll);
  checker::Op& poll = s.add(3'000, 1, OpType::kOk, OpF::kPoll);
  poll.polled = {checker::PolledKey{"k", {checker::PolledRecord{0, 1}}}};
  s.nemesis(500, "start-partition one [n0] | []");
  s.nemesis(2'500, "stop (heal all)");
  return s.history();
}

TEST(ReportData, KafkaAnomalyLinksNameTheOpsOfTheirExampleAndTheKeyView) {
  const checker::History history = g1a_history();
  const RunCheck check = run_check_of(checker::check_kafka(history));
  ASSERT_TRUE(check.kafka->anomalies.count("G1a")) << check.report;
  const ReportData data = report_data_of(history, check);
  const auto g1a = std::find_if(data.anomalies.begin(), data.anomalies.end(),
                                [](const AnomalyLink& a) { return a.type == "G1a"; });
  ASSERT_NE(g1a, data.anomalies.end());
  EXPECT_EQ(g1a->key, "k");
  EXPECT_EQ(g1a->ops, (std::vector<int64_t>{0, 1}));  // the failed send and the poll
  ASSERT_EQ(data.keys.size(), 1u);
  const KeyView& view = data.keys[0];
  EXPECT_EQ(view.key, "k");
  ASSERT_EQ(view.rows.size(), 1u);
  EXPECT_EQ(view.rows[0].offset, 0);
  EXPECT_EQ(view.rows[0].values, (std::vector<int64_t>{1}));
  EXPECT_TRUE(view.rows[0].senders.empty());
  EXPECT_EQ(view.rows[0].pollers, (std::vector<int64_t>{1}));
  EXPECT_EQ(view.unacknowledged, (std::vector<int64_t>{0}));
  ASSERT_EQ(data.nemesis.size(), 1u);
  EXPECT_EQ(data.nemesis[0].end_us, 2'500);
}

TEST(ReportData, UnseenExamplesLinkTheSendsOfTheirMessages) {
  KafkaStory s;
  s.send(0, 0, OpType::kInvoke, "k", 5);
  s.send(100, 0, OpType::kOk, "k", 5).offset = 0;
  s.add(200, 1, OpType::kInvoke, OpF::kPoll);
  s.add(300, 1, OpType::kOk, OpF::kPoll);  // reads nothing
  const RunCheck check = run_check_of(checker::check_kafka(s.history()));
  ASSERT_TRUE(check.kafka->anomalies.count("unseen")) << check.report;
  const ReportData data = report_data_of(s.history(), check);
  ASSERT_EQ(data.anomalies.size(), 1u);
  EXPECT_EQ(data.anomalies[0].type, "unseen");
  EXPECT_EQ(data.anomalies[0].ops, (std::vector<int64_t>{0}));
}

core::Value v(int64_t n) { return core::Value::from_json_text(std::to_string(n)); }

TEST(ReportData, LinKvViolationsLinkTheOpAndTheOpsConcurrentWithIt) {
  checker::LinKvHistory history;
  const auto add = [&](int64_t t, int64_t p, OpType type, checker::LinKvF f,
                       std::optional<core::Value> value) {
    checker::LinKvOp op;
    op.index = static_cast<int64_t>(history.size());
    op.time_us = t;
    op.process = p;
    op.type = type;
    op.f = f;
    op.key = v(0);
    op.value = std::move(value);
    history.push_back(op);
  };
  add(0, 0, OpType::kInvoke, checker::LinKvF::kWrite, v(1));
  add(100, 0, OpType::kOk, checker::LinKvF::kWrite, v(1));
  add(200, 1, OpType::kInvoke, checker::LinKvF::kRead, std::nullopt);
  add(300, 1, OpType::kOk, checker::LinKvF::kRead, v(2));  // 2 was never written
  const RunCheck check = run_check_of(checker::check_linkv(history));
  ASSERT_EQ(check.workload_validity, checker::Validity::kInvalid) << check.report;
  const ReportData data = report_data_of(history, check);
  ASSERT_EQ(data.anomalies.size(), 1u);
  EXPECT_EQ(data.anomalies[0].type, "nonlinearizable");
  EXPECT_EQ(data.anomalies[0].key, "0");
  EXPECT_NE(std::find(data.anomalies[0].ops.begin(), data.anomalies[0].ops.end(), 1),
            data.anomalies[0].ops.end());
  EXPECT_EQ(data.text(data.ops[1]), "read 0 -> 2");
}

TEST(DiagramData, LanesAreClientsThenNodesThenServicesInNaturalOrder) {
  EXPECT_TRUE(lane_before("c2", "c10"));
  EXPECT_TRUE(lane_before("c10", "n0"));
  EXPECT_TRUE(lane_before("n9", "n10"));
  EXPECT_TRUE(lane_before("n10", "lin-kv"));
  EXPECT_FALSE(lane_before("n1", "n1"));
  const std::vector<JournalLine> lines{
      {"n1", "lin-kv", "read", 300, 310},
      {"c10", "n1", "send", 100, 100},
      {"c2", "n0", "send", 100, -1},  // never delivered
      {"n0", "n1", "gossip", 200, 250},
  };
  const DiagramData d = build_diagram(lines);
  EXPECT_EQ(d.lanes, (std::vector<std::string>{"c2", "c10", "n0", "n1", "lin-kv"}));
  EXPECT_EQ(d.types, (std::vector<std::string>{"gossip", "read", "send"}));
  EXPECT_EQ(d.total, 4);
  ASSERT_EQ(d.messages.size(), 4u);
  // By send time; ties in journal order.
  EXPECT_EQ(d.messages[0].from, 1);
  EXPECT_EQ(d.messages[1].from, 0);
  EXPECT_EQ(d.messages[1].received_us, -1);
  EXPECT_EQ(d.messages[3].to, 4);
  const DiagramData bounded = build_diagram(lines, 2);
  EXPECT_EQ(bounded.messages.size(), 2u);
  EXPECT_EQ(bounded.total, 4);
}

TEST(DiagramData, ReadsJournalLinesAsTheRunFolderWritesThem) {
  std::istringstream in(
      "{\"id\":0,\"sent_us\":5,\"received_us\":-1,\"message\":{\"src\":\"c1\",\"dest\":\"n0\","
      "\"body\":{\"type\":\"send\",\"msg_id\":1}}}\n"
      "{\"id\":1,\"sent_us\":7,\"received_us\":9,\"message\":{\"src\":\"n0\",\"dest\":\"c1\","
      "\"body\":{\"type\":\"send_ok\",\"in_reply_to\":1}}}\n");
  const auto lines = read_journal(in);
  ASSERT_TRUE(lines.ok()) << lines.error();
  ASSERT_EQ(lines.value().size(), 2u);
  EXPECT_EQ(lines.value()[0].type, "send");
  EXPECT_EQ(lines.value()[0].received_us, -1);
  EXPECT_EQ(lines.value()[1].received_us, 9);
  std::istringstream bad("{\"id\":0}\n");
  const auto refused = read_journal(bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().find("line 1"), std::string::npos);
}

// The columns are escaped by hand, into a buffer a chunk at a time: every
// op's text reads back as it was, with quotes, backslashes, control
// characters and '<' in it, and with a text too long for one chunk (the
// report cuts an op's error short, so that one is made by hand).
TEST(HtmlReport, ColumnsReadBackAsTheTextsTheyEscape) {
  checker::History history = g1a_history();
  history[1].error = std::string("quote \" backslash \\ bell \x01 tab \t nul ") +
                     std::string(1, '\0') + " lt < end";
  const RunCheck check = run_check_of(checker::check_kafka(history));
  ReportData data = report_data_of(history, check);
  OpSpan long_op = data.ops.back();
  long_op.text_offset = data.texts.size();
  data.texts += std::string(5000, '"') + "\x1f" + std::string(3000, 'x');
  long_op.text_size = data.texts.size() - long_op.text_offset;
  data.ops.push_back(long_op);
  const std::string columns = columns_json(data, nullptr);
  EXPECT_EQ(columns.find('<'), std::string::npos);
  const nlohmann::json parsed = nlohmann::json::parse("{" + columns + "}");
  const nlohmann::json& texts = parsed["ops"]["t"];
  ASSERT_EQ(texts.size(), data.ops.size());
  bool control = false;
  for (size_t i = 0; i < data.ops.size(); ++i) {
    EXPECT_EQ(texts[i].get<std::string>(), data.text(data.ops[i])) << "op " << i;
    control = control || data.text(data.ops[i]).find('\x01') != std::string_view::npos;
  }
  EXPECT_TRUE(control) << "the error's control characters reach an op's text";
  ASSERT_EQ(parsed["ops"]["s"].size(), data.ops.size());
  for (size_t i = 0; i < data.ops.size(); ++i) {
    EXPECT_EQ(parsed["ops"]["s"][i].get<int64_t>(), data.ops[i].invoke_us);
  }
}

TEST(HtmlReport, EmbeddedTextCannotCloseItsScriptAndTheSameInputGivesTheSameBytes) {
  checker::History history = g1a_history();
  history[1].error = "</script><script>alert(1)</script>";
  const RunCheck check = run_check_of(checker::check_kafka(history));
  const ReportData data = report_data_of(history, check);
  ReportMeta meta{"title <b>", "kafka", "eddy-sim test --seed 1", "text & </pre>", nullptr};
  const std::string html = render_html(meta, data, check, nullptr);
  EXPECT_EQ(html, render_html(meta, data, check, nullptr));
  EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(html.find("\\u003c/script>"), std::string::npos);
  EXPECT_NE(html.find("<title>title &lt;b&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("text &amp; &lt;/pre&gt;"), std::string::npos);
  // Offline: nothing is fetched.
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
}

}  // namespace
}  // namespace eddy::sim::html_report
