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

// The data of a checked history, anomalies linked.
ReportData report_data_of(const checker::History& history, const RunCheck& check,
                          const ReportOptions& options = {});
ReportData report_data_of(const checker::LinKvHistory& history, const RunCheck& check,
                          const ReportOptions& options = {});

// The embedded JSON document (report.js's input), as text.
std::string report_json(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram);

// The whole page. `diagram` is null when the run kept no journal.
std::string render_html(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram);

// The page written straight to `path` (what render_html returns, without
// holding it whole); returns an error text, or empty on success.
std::string write_report(const std::string& path, const ReportMeta& meta, const ReportData& data,
                         const RunCheck& check, const DiagramData* diagram);

}  // namespace eddy::sim::html_report
