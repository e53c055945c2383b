#include "sim/live_history.h"

#include <system_error>
#include <utility>

#include "sim/workload.h"

namespace eddy::sim {

LiveHistory::LiveHistory(std::filesystem::path dir, const SimOptions& options,
                         PreviousRun& previous)
    : dir_(std::move(dir)), linkv_(options.workload == "lin-kv"), previous_(previous) {
  // Reserved as the history is (sim/workload.h): grown by doubling, the
  // report's spans and the index faulted in about twice their pages.
  if (!linkv_) {
    kafka_passes_.emplace();
    kafka_passes_->reserve(expected_history_entries<checker::Op>(options));
  }
  if (options.html_report) {
    if (linkv_) {
      linkv_report_.emplace();
      linkv_report_->write_ops_columns();
      linkv_report_->reserve(expected_history_entries<checker::LinKvOp>(options));
    } else {
      kafka_report_.emplace();
      kafka_report_->write_ops_columns();
      kafka_report_->reserve(expected_history_entries<checker::Op>(options));
    }
  }
}

LiveHistory::~LiveHistory() = default;

void LiveHistory::open() {
  if (kafka_writer_ || linkv_writer_ || !open_error_.empty()) return;
  previous_.wait();
  std::error_code error;
  std::filesystem::create_directories(dir_, error);
  if (error) {
    open_error_ = "cannot create " + dir_.string() + ": " + error.message();
    return;
  }
  file_.open(dir_ / "history.jsonl", std::ios::binary);
  if (linkv_) {
    linkv_writer_ = std::make_unique<checker::LinKvHistoryWriter>(file_);
  } else {
    kafka_writer_ = std::make_unique<checker::HistoryWriter>(file_);
  }
}

HistoryReaders LiveHistory::readers() {
  HistoryReaders readers;
  if (linkv_) {
    readers.linkv = [this](const checker::LinKvOp& op) {
      open();
      if (linkv_writer_) linkv_writer_->add(op);
      if (linkv_report_) linkv_report_->add(op);
    };
  } else {
    readers.kafka = [this](const checker::Op& op) {
      open();
      if (kafka_writer_) kafka_writer_->add(op);
      kafka_passes_->add(op);
      if (kafka_report_) kafka_report_->add(op);
    };
  }
  return readers;
}

std::string LiveHistory::finish() {
  open();  // a run that recorded nothing still has a history.jsonl
  if (!open_error_.empty()) return open_error_;
  if (kafka_writer_) kafka_writer_->flush();
  if (linkv_writer_) linkv_writer_->flush();
  file_.close();
  return file_ ? "" : "cannot write history.jsonl in " + dir_.string();
}

std::optional<checker::KafkaHistoryPasses> LiveHistory::take_kafka_passes() {
  std::optional<checker::KafkaHistoryPasses> passes = std::move(kafka_passes_);
  kafka_passes_.reset();
  return passes;
}

html_report::FinishedReport LiveHistory::finish_report_data() {
  if (kafka_report_) return std::move(*kafka_report_).finish_with_ops_json();
  if (linkv_report_) return std::move(*linkv_report_).finish_with_ops_json();
  return {};
}

}  // namespace eddy::sim
