// report.html in a real browser: headless Chromium loads the page of a
// small run with a partition (and of a history with an anomaly) and dumps
// the DOM its script built; the tests check what a person would see: the
// plots exist with the expected number of points and shaded intervals, the
// timeline and the Lamport diagram are drawn, no script error was logged,
// a click on a point selects its op, and an anomaly link (`#anomaly=0`)
// selects its ops everywhere. Without
// Chromium (/usr/bin/chromium, or $EDDY_CHROMIUM) these tests are skipped;
// scripts/setup.sh installs it and CI runs them. Also here: the run folder
// and `eddy-sim check` write report.html, and --no-report does not.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "checker/kafka_checker.h"
#include "sim/check_command.h"
#include "sim/html_report/html_report.h"
#include "sim/report.h"
#include "sim/run_check.h"
#include "sim/simulation.h"
#include "tests/report/kafka_story.h"

namespace eddy::sim {
namespace {

namespace fs = std::filesystem;

std::string chromium_path() {
  if (const char* env = std::getenv("EDDY_CHROMIUM"); env && *env) return env;
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

#define SKIP_WITHOUT_CHROMIUM()                                                            \
  if (chromium_path().empty())                                                             \
  GTEST_SKIP() << "Chromium not found (/usr/bin/chromium or $EDDY_CHROMIUM): the browser " \
                  "test of report.html is skipped; `apt-get install chromium` (scripts/"   \
                  "setup.sh does) to run it"

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("eddy-report-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The DOM after the page's script ran. Script errors are counted by the
// page itself (body data-errors); Chromium's stderr is kept for messages.
std::string dump_dom(const fs::path& page, const std::string& hash, const fs::path& work) {
  const fs::path err = work / "chromium.err";
  // timeout(1): a browser that hangs fails the test instead of the CI job.
  const std::string command = "timeout 120 '" + chromium_path() +
                              "' --headless --no-sandbox --disable-gpu --no-first-run "
                              "--user-data-dir='" +
                              (work / "profile").string() +
                              "' --virtual-time-budget=10000 --dump-dom 'file://" + page.string() +
                              hash + "' 2>'" + err.string() + "'";
  std::string out;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[65536];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
  }
  const std::string log = read_file(err);
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  return out;
}

// The value of attribute `name` on the element whose id is `id`, or
// "(absent)".
std::string attr(const std::string& dom, const std::string& tag_start, const std::string& name) {
  const size_t at = dom.find(tag_start);
  if (at == std::string::npos) return "(no element " + tag_start + ")";
  const size_t open = dom.rfind('<', at);
  const size_t close = dom.find('>', at);
  const std::string tag = dom.substr(open, close - open);
  const std::string key = " " + name + "=\"";
  const size_t value = tag.find(key);
  if (value == std::string::npos) return "(absent)";
  const size_t begin = value + key.size();
  return tag.substr(begin, tag.find('"', begin) - begin);
}

nlohmann::json embedded_data(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"report-data\">";
  const size_t begin = html.find(open) + open.size();
  return nlohmann::json::parse(html.substr(begin, html.find("</script>", begin) - begin));
}

SimOptions partition_run() {
  SimOptions o;
  o.workload = "lin-kv";
  o.strategy = "raft";
  o.node_count = 5;
  o.concurrency = 10;
  o.time_limit_s = 6;
  o.rate_per_s = 100;
  o.latency_ms = 10;
  o.nemesis = {"partition"};
  o.nemesis_interval_s = 1;
  o.journal = true;
  o.seed = 3;
  return o;
}

TEST(ReportBrowser, RunWithAPartitionShowsItsPlotsShadingTimelineAndDiagram) {
  SKIP_WITHOUT_CHROMIUM();
  const fs::path dir = fresh_dir("partition");
  const SimOptions o = partition_run();
  const SimResult result = Simulation(o).run();
  const RunCheck check = check_run(o, result);
  ASSERT_EQ(write_run_folder(dir.string(), o, result, check), "");
  const std::string html = read_file(dir / "report.html");
  const nlohmann::json data = embedded_data(html);
  const size_t points = data["latency"]["ids"].size();
  const size_t intervals = data["nemesis"].size();
  ASSERT_GT(points, 100u);
  ASSERT_GT(intervals, 0u) << "a partition run shades its partitions";

  // A person's click on the first point of the latency plot, played by a
  // script appended to a copy of the page: it selects that point's op.
  const std::string click = R"(<script>
setTimeout(() => {
  const svg = document.getElementById('latency-plot');
  const m = /M([0-9.]+) ([0-9.]+)h0/.exec(svg.querySelector('path.points').getAttribute('d'));
  const box = svg.getBoundingClientRect();
  svg.dispatchEvent(new MouseEvent('click', {clientX: box.left + Number(m[1]),
                                             clientY: box.top + Number(m[2]), bubbles: true}));
}, 100);
</script>)";
  std::string clicked = html;
  clicked.insert(clicked.rfind("</body>"), click);
  std::ofstream(dir / "clicked.html", std::ios::binary) << clicked;

  const std::string dom = dump_dom(dir / "clicked.html", "", dir);
  const std::string selected = attr(dom, "id=\"selection\"", "data-ops");
  EXPECT_TRUE(!selected.empty() && selected.find_first_not_of("0123456789") == std::string::npos)
      << "one op selected by the click: " << selected;
  EXPECT_EQ(attr(dom, "id=\"latency-plot\"", "data-highlighted"), "1");
  EXPECT_EQ(attr(dom, "<body", "data-ready"), "1") << "the script did not finish";
  EXPECT_EQ(attr(dom, "<body", "data-errors"), "0") << attr(dom, "<body", "data-error-text");
  EXPECT_EQ(attr(dom, "id=\"latency-plot\"", "data-count"), std::to_string(points));
  EXPECT_EQ(attr(dom, "id=\"latency-plot\"", "data-shaded"), std::to_string(intervals));
  EXPECT_EQ(attr(dom, "id=\"rate-plot\"", "data-shaded"), std::to_string(intervals));
  EXPECT_EQ(attr(dom, "id=\"rate-plot\"", "data-series"),
            std::to_string(data["throughput"]["series"].size()));
  EXPECT_NE(attr(dom, "id=\"timeline\"", "data-count"), "0");
  EXPECT_EQ(attr(dom, "id=\"diagram\"", "data-count"), "200");  // the default window
  EXPECT_EQ(attr(dom, "id=\"diagram\"", "data-lanes"),
            std::to_string(data["diagram"]["lanes"].size()));
  EXPECT_NE(dom.find("class=\"verdict valid\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"net-stats\""), std::string::npos) << "Maelstrom's net stats";
  fs::remove_all(dir);
}

// A send that failed with a definite error, whose value a poll then read.
checker::History g1a_history() {
  html_report::KafkaStory s;
  s.send(0, 0, checker::OpType::kInvoke, "k", 1);
  s.send(1'000, 0, checker::OpType::kFail, "k", 1).error = "error 11";
  s.add(2'000, 1, checker::OpType::kInvoke, checker::OpF::kPoll);
  s.add(3'000, 1, checker::OpType::kOk, checker::OpF::kPoll).polled = {
      checker::PolledKey{"k", {checker::PolledRecord{0, 1}}}};
  return s.history();
}

TEST(ReportBrowser, AnAnomalyLinkSelectsItsOpsInTheTimelineAndTheLatencyPlot) {
  SKIP_WITHOUT_CHROMIUM();
  const fs::path dir = fresh_dir("anomaly");
  const checker::History history = g1a_history();
  const RunCheck check = run_check_of(checker::check_kafka(history));
  const html_report::ReportData data = html_report::report_data_of(history, check);
  ASSERT_FALSE(data.anomalies.empty());
  const html_report::ReportMeta meta{"G1a", "kafka", "", check.report, nullptr};
  ASSERT_EQ(html_report::write_report((dir / "report.html").string(), meta, data, check, nullptr),
            "");
  std::string ops;
  for (const int64_t id : data.anomalies[0].ops)
    ops += (ops.empty() ? "" : ",") + std::to_string(id);

  const std::string dom = dump_dom(dir / "report.html", "#anomaly=0", dir);
  EXPECT_EQ(attr(dom, "<body", "data-ready"), "1");
  EXPECT_EQ(attr(dom, "<body", "data-errors"), "0") << attr(dom, "<body", "data-error-text");
  EXPECT_EQ(attr(dom, "id=\"selection\"", "data-ops"), ops);
  EXPECT_EQ(attr(dom, "id=\"latency-plot\"", "data-highlighted"),
            std::to_string(data.anomalies[0].ops.size()));
  EXPECT_EQ(attr(dom, "id=\"timeline\"", "data-selected"),
            std::to_string(data.anomalies[0].ops.size()));
  EXPECT_NE(dom.find("class=\"anomaly-link selected\""), std::string::npos);
  EXPECT_NE(dom.find("id=\"key-table\""), std::string::npos) << "the key view of key k";
  EXPECT_NE(dom.find("id=\"diagram-none\""), std::string::npos) << "no journal, said so";
  fs::remove_all(dir);
}

TEST(ReportFiles, TheRunFolderHasReportHtmlUnlessNoReportAndCheckRebuildsIt) {
  const fs::path dir = fresh_dir("folder");
  SimOptions o = partition_run();
  o.time_limit_s = 2;
  const SimResult result = Simulation(o).run();
  const RunCheck check = check_run(o, result);
  ASSERT_EQ(write_run_folder(dir.string(), o, result, check), "");
  const std::string written = read_file(dir / "report.html");
  ASSERT_FALSE(written.empty());
  EXPECT_NE(written.find(replay_command(o)), std::string::npos);

  // Rebuilt from the history, journal.jsonl and results.json alone.
  CheckArgs args;
  args.workload = "lin-kv";
  args.path = dir.string();
  args.report_path = (dir / "rebuilt.html").string();
  testing::internal::CaptureStdout();
  EXPECT_EQ(run_check_command(args), 0);
  testing::internal::GetCapturedStdout();
  const nlohmann::json a = embedded_data(written);
  const nlohmann::json b = embedded_data(read_file(dir / "rebuilt.html"));
  for (const char* field : {"ops", "latency", "throughput", "nemesis", "anomalies", "diagram",
                            "replay", "verdict", "stats", "net"}) {
    EXPECT_EQ(a[field], b[field]) << field;
  }

  const fs::path quiet = fresh_dir("quiet");
  o.html_report = false;
  ASSERT_EQ(write_run_folder(quiet.string(), o, result, check), "");
  EXPECT_TRUE(fs::exists(quiet / "history.jsonl"));
  EXPECT_FALSE(fs::exists(quiet / "report.html"));
  fs::remove_all(dir);
  fs::remove_all(quiet);
}

TEST(ReportFiles, TheSameSeedAndFlagsGiveTheSameBytes) {
  SimOptions o = partition_run();
  o.time_limit_s = 2;
  std::string pages[2];
  for (std::string& page : pages) {
    const fs::path dir = fresh_dir("same");
    const SimResult result = Simulation(o).run();
    ASSERT_EQ(write_run_folder(dir.string(), o, result, check_run(o, result)), "");
    page = read_file(dir / "report.html");
    fs::remove_all(dir);
  }
  EXPECT_FALSE(pages[0].empty());
  EXPECT_TRUE(pages[0] == pages[1]) << "report.html differs between two runs of one seed";
}

}  // namespace
}  // namespace eddy::sim
