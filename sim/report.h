// The text and files a simulated run leaves behind. Everything here depends
// only on the options and the run's result, never on the wall clock, so the
// same seed and flags give the same bytes.
#pragma once

#include <string>

#include "sim/html_report/report_data.h"
#include "sim/options.h"
#include "sim/run_check.h"
#include "sim/simulation.h"

namespace eddy::sim {

// The exact command that replays a run: every option that decides it.
std::string replay_command(const SimOptions& options);

// The run's report: what ran, the checker's verdict and statistics, the
// network's message counts (Maelstrom's net stats), and the replay command.
std::string format_run_report(const SimOptions& options, const SimResult& result,
                              const RunCheck& check);

// Everything as one JSON document (results.json).
nlohmann::json run_results_json(const SimOptions& options, const SimResult& result,
                                const RunCheck& check);

// Writes history.jsonl, report.txt, results.json, and journal.jsonl and
// nodes/<id>.log when the run kept them, into `dir` (created if needed), and
// report.html unless options.html_report is off. With `history_written`, the
// caller has already written history.jsonl (write_history_file, alongside
// the checker) and it is left alone.
// Returns an error text, or empty on success.
std::string write_run_folder(const std::string& dir, const SimOptions& options,
                             const SimResult& result, const RunCheck& check,
                             bool history_written = false);

// Writes `dir`/history.jsonl (creating `dir`). It reads the result only, so
// it may run on another thread while the checker reads the same history.
// Returns an error text, or empty on success.
std::string write_history_file(const std::string& dir, const SimOptions& options,
                               const SimResult& result);

// Writes `dir`/report.html (sim/html_report/html_report.h): the run's plots,
// timeline, anomalies and, when it kept a journal, its Lamport diagram.
// Returns an error text, or empty on success.
std::string write_run_html(const std::string& dir, const SimOptions& options,
                           const SimResult& result, const RunCheck& check);

// What report.html holds that the checker's result does not decide: the
// history's spans, bins and sampling, and the large columns (the ops, the
// diagram's messages) already rendered as JSON. `eddy-sim test` builds the
// data as the run records its history (sim/live_history.h) and prepares the
// rest on the other core while the checker runs; it reads only the result's
// journal, as the checker reads the result.
struct PreparedReport {
  html_report::ReportData data;  // everything but anomalies and key views
  std::string columns;           // html_report::columns_json
};
PreparedReport prepare_run_html(const SimOptions& options, const SimResult& result,
                                html_report::ReportData data);
// The same from a run's live builder: its ops' columns are already written.
PreparedReport prepare_run_html(const SimOptions& options, const SimResult& result,
                                html_report::FinishedReport finished);
// The same page as write_run_html's, from a prepared report: the checker's
// anomalies are linked here, and the latency plot re-sampled if there are any.
std::string write_run_html(const std::string& dir, const SimOptions& options,
                           const SimResult& result, const RunCheck& check, PreparedReport prepared);

// Maelstrom's msgs-per-op: messages over client invocations of every f.
double messages_per_op(int64_t messages, int64_t invocations);

}  // namespace eddy::sim
