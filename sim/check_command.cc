// `eddy-sim check` (check_command.h): finds the history, checks it, prints the
// report and rebuilds report.html beside it.
#include "sim/check_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "checker/history_io.h"
#include "checker/linkv_history_io.h"
#include "checker/maelstrom_store.h"
#include "sim/html_report/html_report.h"
#include "sim/run_check.h"

namespace eddy::sim {
namespace {

namespace fs = std::filesystem;

// A history as found on disk: Eddy's JSON lines, or Jepsen's EDN.
struct HistorySource {
  fs::path file;
  bool edn = false;
};

// Where the history is: a Maelstrom store folder's history.edn, a run
// folder's history.jsonl, or the file itself (EDN if it ends in .edn).
HistorySource find_history(const std::string& path) {
  if (checker::is_maelstrom_store(path)) {
    return HistorySource{fs::path(path) / checker::kMaelstromHistoryFile, true};
  }
  fs::path file = path;
  if (fs::is_directory(file)) return HistorySource{file / "history.jsonl", false};
  return HistorySource{file, file.extension() == ".edn"};
}

checker::LinKvCheckOptions linkv_options(const CheckArgs& args) {
  checker::LinKvCheckOptions options;
  options.time_budget_s = args.time_budget_s;
  return options;
}

// A history and its checker's result.
struct Checked {
  RunCheck check;
  checker::History kafka;
  checker::LinKvHistory linkv;
};

core::Result<Checked, std::string> check_history(const CheckArgs& args,
                                                 const HistorySource& source) {
  std::ifstream in(source.file, std::ios::binary);
  if (!in) return core::Err{"cannot read " + source.file.string()};
  const std::string where = source.file.string() + ": ";
  Checked out;
  if (args.workload == "lin-kv") {
    auto history =
        source.edn ? checker::read_maelstrom_linkv_history(in) : checker::read_linkv_history(in);
    if (!history) return core::Err{where + history.error()};
    out.linkv = std::move(history.value());
    out.check = run_check_of(checker::check_linkv(out.linkv, linkv_options(args)));
    return out;
  }
  auto history = source.edn ? checker::read_maelstrom_kafka_history(in) : checker::read_history(in);
  if (!history) return core::Err{where + history.error()};
  out.kafka = std::move(history.value());
  out.check = run_check_of(checker::check_kafka(out.kafka));
  return out;
}

// results.json beside the history (the run that wrote it), or null for a
// history from elsewhere: its replay command and net stats.
nlohmann::json results_beside(const fs::path& dir) {
  std::ifstream in(dir / "results.json", std::ios::binary);
  if (!in) return nullptr;
  nlohmann::json results = nlohmann::json::parse(in, nullptr, false);
  return results.is_object() ? results : nlohmann::json(nullptr);
}

// report.html from the history alone, plus journal.jsonl and results.json
// when they are beside it. Returns an error text, or empty.
std::string write_check_report(const CheckArgs& args, const HistorySource& source,
                               const Checked& checked, const std::string& path) {
  const fs::path dir = source.file.parent_path();
  html_report::ReportMeta meta;
  meta.workload = args.workload;
  meta.title = "eddy-sim check -w " + args.workload + " " + args.path;
  const nlohmann::json results = results_beside(dir);
  if (results.is_object() && results.contains("replay") && results["replay"].is_string())
    meta.replay = results["replay"].get<std::string>();
  if (results.is_object() && results.contains("net")) meta.net = results["net"];
  meta.text_report = checked.check.report;
  const html_report::ReportData data =
      args.workload == "lin-kv" ? html_report::report_data_of(checked.linkv, checked.check)
                                : html_report::report_data_of(checked.kafka, checked.check);
  std::optional<html_report::DiagramData> diagram;
  if (std::ifstream journal(dir / "journal.jsonl", std::ios::binary); journal) {
    auto lines = html_report::read_journal(journal);
    if (!lines) return lines.error();
    diagram = html_report::build_diagram(lines.value());
  }
  return html_report::write_report(path, meta, data, checked.check, diagram ? &*diagram : nullptr);
}

}  // namespace

int exit_status(checker::Validity validity) {
  switch (validity) {
    case checker::Validity::kValid:
      return kExitValid;
    case checker::Validity::kInvalid:
      return kExitInvalid;
    case checker::Validity::kUnknown:
      return kExitUnknown;
  }
  return kExitUnknown;
}

int run_check_command(const CheckArgs& args) {
  const HistorySource source = find_history(args.path);
  const auto check = check_history(args, source);
  if (!check) {
    std::cerr << "eddy-sim: " << check.error() << "\n";
    return kExitUnknown;
  }
  const RunCheck& result = check.value().check;
  std::cout << result.report;
  if (args.html_report) {
    const std::string path = args.report_path.empty()
                                 ? (source.file.parent_path() / "report.html").string()
                                 : args.report_path;
    if (const std::string error = write_check_report(args, source, check.value(), path);
        !error.empty()) {
      std::cerr << "eddy-sim: report.html not written: " << error << "\n";
    } else {
      std::cerr << "[eddy-sim] report: " << path << "\n";
    }
  }
  return exit_status(args.workload_only ? result.workload_validity : result.validity);
}

}  // namespace eddy::sim
