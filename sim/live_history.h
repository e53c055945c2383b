// LiveHistory: what `eddy-sim test` does with a run's history while the run
// is still recording it, on the history's feed (sim/history_feed.h):
// writes history.jsonl, for kafka runs the checker's passes that read the
// history alone (its index and the commit-order pass), and, when the run
// writes report.html, pairs the history's ops into the report's spans. They
// used to wait for the run to end and then share the second core with the
// rest of the checker.
//
//   LiveHistory live(dir, options, previous_run);
//   SimResult result = Simulation(options).run(progress, live.readers());
//   std::string error = live.finish();   // history.jsonl complete, or why not
//   // on another thread, while the checker runs:
//   prepare_run_html(options, result, live.finish_report_data());
//   check_run(options, result, live.take_kafka_passes());
//
// history.jsonl is opened at the first op, once the earlier run's files are
// gone (PreviousRun), or by finish() if there was none; its bytes are those
// write_history_file writes.
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "checker/history_io.h"
#include "checker/kafka_checker.h"
#include "checker/linkv_history_io.h"
#include "sim/html_report/report_data.h"
#include "sim/options.h"
#include "sim/previous_run.h"
#include "sim/simulation.h"

namespace eddy::sim {

class LiveHistory {
 public:
  // `previous` must outlive the run; its wait() is called on the feed's
  // thread, before history.jsonl is opened.
  LiveHistory(std::filesystem::path dir, const SimOptions& options, PreviousRun& previous);
  LiveHistory(const LiveHistory&) = delete;
  LiveHistory& operator=(const LiveHistory&) = delete;
  ~LiveHistory();

  // The readers to give Simulation::run; this object must outlive it.
  HistoryReaders readers();
  // After the run: history.jsonl written and closed; an error, or empty.
  std::string finish();
  // The checker's passes, fed the whole history (kafka runs; after the run).
  std::optional<checker::KafkaHistoryPasses> take_kafka_passes();
  // report.html's data, fed the whole history and finished (after the run,
  // when options.html_report is on), with its ops' columns written as the
  // run went (ReportBuilder::write_ops_columns). It shares nothing with
  // take_kafka_passes, so the two may be called on different threads.
  html_report::FinishedReport finish_report_data();

 private:
  void open();

  std::filesystem::path dir_;
  bool linkv_;
  PreviousRun& previous_;
  std::string open_error_;
  std::ofstream file_;
  std::unique_ptr<checker::HistoryWriter> kafka_writer_;
  std::unique_ptr<checker::LinKvHistoryWriter> linkv_writer_;
  std::optional<checker::KafkaHistoryPasses> kafka_passes_;
  std::optional<html_report::ReportBuilder<checker::Op>> kafka_report_;
  std::optional<html_report::ReportBuilder<checker::LinKvOp>> linkv_report_;
};

}  // namespace eddy::sim
