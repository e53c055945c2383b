// ReportData: what report.html shows, computed from a history and its
// checker's result alone (so `eddy-sim check` rebuilds the same report from
// a saved history as `eddy-sim test` writes). The HTML writer embeds it as
// JSON; report.js draws it. Every list is in history order or sorted, never
// in hash order, so the same history gives the same bytes.
//
// How it works: the history's entries (kafka or lin-kv) are paired per
// process into `OpSpan`s (invocation + completion: one op of the timeline,
// with a short text built only from the entry shown), then binned
// (throughput), sampled (latency points, bounded by `latency_points_max`),
// and linked: each anomaly example names history indexes, mapped to the
// spans they belong to. One pass over the history, no copy of it: the
// report costs a few % of the run that made it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checker/history.h"
#include "checker/kafka_checker.h"
#include "checker/linkv_checker.h"
#include "checker/linkv_history.h"
#include "checker/verdict.h"
#include "sim/html_report/ops_columns.h"

namespace eddy::sim::html_report {

// A nemesis line of a history: when, and what the nemesis did.
struct NemesisEntry {
  int64_t time_us = 0;
  std::string text;
};

enum class Outcome : uint8_t { kOk, kFail, kInfo, kPending };  // kPending: never completed
const char* to_string(Outcome outcome);

// A client op: an invocation and its completion (or none).
struct OpSpan {
  int64_t process = 0;
  int f = 0;  // index into ReportData::fs
  Outcome outcome = Outcome::kPending;
  int64_t invoke_us = 0;
  int64_t complete_us = -1;  // -1: never completed
  int64_t invoke_index = -1;
  int64_t complete_index = -1;
  // What the op did, short ("send 9=3 @4"): ReportData::text(span).
  size_t text_offset = 0;
  size_t text_size = 0;
};

// A nemesis fault from its start to its stop (or the end of the history).
struct NemesisInterval {
  int64_t start_us = 0;
  int64_t end_us = 0;
  std::string kind;   // "partition", "pause", ...
  std::string label;  // the start line's text
};

// Completions per bin of `bin_us`, one series per (f, outcome) that occurs,
// series in (f, outcome) order.
struct ThroughputSeries {
  int f = 0;
  Outcome outcome = Outcome::kOk;
  std::vector<int64_t> counts;
};
struct Throughput {
  int64_t bin_us = 1'000'000;
  std::vector<ThroughputSeries> series;
};

// An anomaly (one example of a kafka anomaly type, or a lin-kv key's
// violation) and the ops it names.
struct AnomalyLink {
  std::string type;
  std::string key;           // "" when the example has none
  std::string detail;        // the checker's example, JSON text
  std::vector<int64_t> ops;  // span ids, sorted
};

// Kafka: one key's log as the history shows it, for an anomalous key.
struct KeyOffsetRow {
  int64_t offset = 0;
  std::vector<int64_t> values;   // every value an ok send or poll put at this offset
  std::vector<int64_t> senders;  // span ids of ok sends that got this offset
  std::vector<int64_t> pollers;  // span ids of ok polls that read it, at most kPollersMax
  int64_t poll_count = 0;        // all of them
};
struct KeyView {
  std::string key;
  std::vector<KeyOffsetRow> rows;       // by offset
  std::vector<int64_t> unacknowledged;  // span ids of sends of the key that were not ok
};
inline constexpr size_t kPollersMax = 16;
inline constexpr size_t kKeyViewsMax = 8;

// How the latency plot was thinned: every op is plotted when the run has at
// most `latency_points_max` completed ops; otherwise every fail/info op and
// every op an anomaly names, each throughput bin's slowest ok op per f, and
// every `stride`-th ok op of each f.
struct Sampling {
  int64_t completed = 0;  // ops with a completion
  int64_t plotted = 0;
  int64_t stride = 1;
};

struct ReportOptions {
  size_t latency_points_max = 20'000;
  int64_t throughput_bins_max = 200;
};

struct ReportData {
  std::vector<std::string> fs;          // op names, first seen first
  std::vector<OpSpan> ops;              // by invocation order
  std::vector<int64_t> processes;       // sorted
  int64_t end_us = 0;                   // the last entry's time
  std::vector<int64_t> latency_points;  // span ids plotted, ascending
  Sampling sampling;
  Throughput throughput;
  std::vector<NemesisInterval> nemesis;
  std::vector<AnomalyLink> anomalies;
  std::vector<KeyView> keys;  // kafka only
  // For each history index, the span it belongs to (-1: a nemesis line).
  // Not embedded: it maps the checker's indexes to spans.
  std::vector<int64_t> span_of_index;
  std::string texts;  // every span's text, one after the other

  std::string_view text(const OpSpan& span) const {
    return std::string_view(texts).substr(span.text_offset, span.text_size);
  }
};

// What ReportBuilder::finish_with_ops_json gives: the data, and the ops'
// columns as written span by span (`"ops":{...}`, ops_columns.h), the same
// text columns_json writes for the data's ops.
struct FinishedReport {
  ReportData data;
  std::string ops_json;
};

// Builds ReportData one history entry at a time, in history order: as a
// run records them (sim/live_history.h, on the history's feed) or from a
// whole history (build_report_data). `finish` pairs what is left open, bins,
// sets the nemesis intervals and samples: everything but anomalies and keys,
// which need the checker's result.
template <class HistoryOp>
class ReportBuilder {
 public:
  void reserve(size_t entries);
  // Also writes the ops' columns as spans settle (for finish_with_ops_json):
  // a run's builder does, on the history's thread while the run goes on.
  // Before reserve and the first add.
  void write_ops_columns() { columns_on_ = true; }
  void add(const HistoryOp& entry);
  ReportData finish(const ReportOptions& options = {}) &&;
  FinishedReport finish_with_ops_json(const ReportOptions& options = {}) &&;

 private:
  // A process's op in flight: its span (-1: none) and its invocation's text,
  // shown only if the op never completes.
  struct InFlight {
    int64_t span = -1;
    std::string text;
  };
  int64_t new_span(const HistoryOp& entry);
  void keep_text(const InFlight& in_flight);
  // Span `id` will not change again: its columns are written once every
  // span before it is settled too.
  void settle(int64_t id);

  ReportData data_;
  std::map<std::string_view, int> f_ids_;  // f -> index into data_.fs
  std::map<int64_t, InFlight> open_;       // by process
  std::set<int64_t> uninvoked_processes_;  // completions with no invocation
  std::vector<NemesisEntry> nemesis_;
  bool columns_on_ = false;
  OpsColumns columns_;            // spans [0, columns_.size()), when columns_on_
  std::vector<uint8_t> settled_;  // by span, when columns_on_
};
extern template class ReportBuilder<checker::Op>;
extern template class ReportBuilder<checker::LinKvOp>;

// Pairs the history's entries into spans and fills everything but
// anomalies and keys.
ReportData build_report_data(const checker::History& history, const ReportOptions& options = {});
ReportData build_report_data(const checker::LinKvHistory& history,
                             const ReportOptions& options = {});

// The nemesis intervals of a history: a "start..." line opens one (of the
// kind named after "start-"), a "stop..." line closes the open ones of its
// kind, or all of them for a bare "stop"; a start of a kind already open is
// the same fault (Jepsen logs a fault's invocation and completion alike).
std::vector<NemesisInterval> nemesis_intervals(const std::vector<NemesisEntry>& entries,
                                               int64_t end_us);

// The bin width: the smallest of 1-2-5 x 10^k ms that gives at most
// `bins_max` bins over [0, end_us].
int64_t throughput_bin_us(int64_t end_us, int64_t bins_max);

// Anomaly links and key views: from the kafka checker's examples (every op
// object an example holds, by its "index"; for examples without ops, the
// sends of the values they name) or the lin-kv checker's violations.
void add_kafka_anomalies(ReportData& data, const checker::History& history,
                         const checker::CheckResult& check);
void add_linkv_anomalies(ReportData& data, const checker::LinKvCheckResult& check);

// Re-samples after anomalies are known (their ops are always plotted).
void sample_latency(ReportData& data, const ReportOptions& options = {});

}  // namespace eddy::sim::html_report
