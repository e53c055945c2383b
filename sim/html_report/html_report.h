// report.html: one self-contained page per run (latency and throughput
// plots with nemesis intervals shaded, a timeline of ops per process, a
// Lamport diagram of the journal, anomalies linked to their ops, the
// statistics, the verdict and the replay command). It opens offline in any
// browser: the data is embedded as JSON in a <script type="application/json">
// element, and report.js / report.css (sim/html_report/, embedded at build
// time) draw it as inline SVG. No network, no library, no timestamps: the
// same history, results and journal give the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/history.h"
#include "checker/linkv_history.h"
#include "sim/html_report/diagram_data.h"
#include "sim/html_report/report_data.h"
#include "sim/run_check.h"

namespace eddy::sim::html_report {

// What the page says about the run, beside its data.
struct ReportMeta {
  std::string title;        // "eddy-sim kafka: strategy gossip, 1 node, seed 1"
  std::string workload;     // kafka or lin-kv
  std::string replay;       // the replay command; "" when not known
  std::string text_report;  // report.txt, or the checker's report
  // Maelstrom's net stats as results.json's "net" holds them; null when
  // not known (a history from elsewhere).
  nlohmann::json net;
};

// Links the checker's anomalies (and, for kafka, the anomalous keys' views)
// into data built from `history`, and re-samples the latency plot if there
// are any. The ops, and so columns_json, do not change.
void link_check(ReportData& data, const checker::History& history, const RunCheck& check,
                const ReportOptions& options = {});
void link_check(ReportData& data, const checker::LinKvHistory& history, const RunCheck& check,
                const ReportOptions& options = {});

// The data of a checked history, anomalies linked.
ReportData report_data_of(const checker::History& history, const RunCheck& check,
                          const ReportOptions& options = {});
ReportData report_data_of(const checker::LinKvHistory& history, const RunCheck& check,
                          const ReportOptions& options = {});

// The document's two large members, `"ops":{...},"diagram":...`, as JSON
// text. They do not depend on the checker's result, so a run renders them
// on the other core while its checker runs (sim/report.h, PreparedReport);
// anomalies and sampling, which do, are elsewhere in the document.
std::string columns_json(const ReportData& data, const DiagramData* diagram);
// The same, with the ops' member already written (`ops_json`, from
// ReportBuilder::finish_with_ops_json).
std::string columns_json(std::string ops_json, const DiagramData* diagram);

// The embedded JSON document (report.js's input), as text.
std::string report_json(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram);

// The whole page. `diagram` is null when the run kept no journal.
std::string render_html(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram);

// The page written straight to `path` (what render_html returns, without
// holding the page whole; the columns are); returns an error text, or empty
// on success.
std::string write_report(const std::string& path, const ReportMeta& meta, const ReportData& data,
                         const RunCheck& check, const DiagramData* diagram);
// The same, with the columns already rendered (columns_json of `data` and
// the diagram).
std::string write_rendered_report(const std::string& path, const ReportMeta& meta,
                                  const ReportData& data, const RunCheck& check,
                                  std::string_view columns);

}  // namespace eddy::sim::html_report
