// Builds ReportData (report_data.h) from a history: pairing, binning,
// nemesis intervals, latency sampling and anomaly links.
#include "sim/html_report/report_data.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/invariant.h"
#include "core/json_writer.h"

namespace eddy::sim::html_report {
namespace {

using checker::OpType;

// The op texts are appended to one arena (ReportData::texts), not held in
// a string each: a run has tens of thousands.
using core::append_int;

void append_error(std::string& out, std::string_view error) {
  constexpr size_t kErrorMax = 80;
  out += " (";
  out.append(error.substr(0, kErrorMax));
  if (error.size() > kErrorMax) out += "...";
  out += ')';
}

void append_text(std::string& out, const checker::Op& op) {
  out += checker::to_string(op.f);
  switch (op.f) {
    case checker::OpF::kSend:
      out += ' ';
      out += op.key;
      out += '=';
      if (op.value == checker::kNonIntegerValue) {
        out += '?';
      } else {
        append_int(out, op.value);
      }
      if (op.offset) {
        out += " @";
        append_int(out, *op.offset);
      }
      break;
    case checker::OpF::kPoll:
      if (op.type == OpType::kOk) {
        size_t records = 0;
        for (const checker::PolledKey& key : op.polled) records += key.records.size();
        out += ' ';
        append_int(out, static_cast<int64_t>(op.polled.size()));
        out += " keys, ";
        append_int(out, static_cast<int64_t>(records));
        out += " msgs";
      }
      break;
    case checker::OpF::kAssign:
      out += " [";
      for (size_t i = 0; i < op.keys.size() && i < 6; ++i) {
        if (i > 0) out += ' ';
        out += op.keys[i];
      }
      if (op.keys.size() > 6) out += " ...";
      out += ']';
      if (op.seek_to_beginning) out += " from 0";
      break;
    case checker::OpF::kCrash:
    case checker::OpF::kNemesis:
      break;
  }
  // A crash's "error" is always "crash": nothing to add.
  if (!op.error.empty() && op.f != checker::OpF::kCrash) append_error(out, op.error);
}

void append_text(std::string& out, const checker::LinKvOp& op) {
  out += checker::to_string(op.f);
  out += ' ';
  op.key.append_json(out);
  switch (op.f) {
    case checker::LinKvF::kRead:
      if (op.value) {
        out += " -> ";
        op.value->append_json(out);
      }
      break;
    case checker::LinKvF::kWrite:
      if (op.value) {
        out += " := ";
        op.value->append_json(out);
      }
      break;
    case checker::LinKvF::kCas:
      out += ' ';
      op.from.append_json(out);
      out += " -> ";
      op.to.append_json(out);
      break;
    case checker::LinKvF::kNemesis:
      break;
  }
  if (!op.error.empty()) append_error(out, op.error);
}

template <class HistoryOp>
void set_text(ReportData& data, OpSpan& span, const HistoryOp& op) {
  span.text_offset = data.texts.size();
  append_text(data.texts, op);
  span.text_size = data.texts.size() - span.text_offset;
}

Outcome outcome_of(OpType type) {
  switch (type) {
    case OpType::kOk:
      return Outcome::kOk;
    case OpType::kFail:
      return Outcome::kFail;
    case OpType::kInfo:
      return Outcome::kInfo;
    case OpType::kInvoke:
      break;
  }
  return Outcome::kPending;
}

// "start-partition majority [n0] | [n1 n2]" -> "partition"; "stop" -> "".
std::string fault_kind(const std::string& text, size_t prefix) {
  if (text.size() <= prefix || text[prefix] != '-') return "";
  const size_t end = text.find_first_of(" \t", prefix);
  return text.substr(prefix + 1, end == std::string::npos ? std::string::npos : end - prefix - 1);
}

Throughput bin_throughput(const ReportData& data, int64_t bins_max);

// Is this entry the nemesis's?
bool is_nemesis(const checker::Op& op) { return op.f == checker::OpF::kNemesis; }
bool is_nemesis(const checker::LinKvOp& op) { return op.f == checker::LinKvF::kNemesis; }

Throughput bin_throughput(const ReportData& data, int64_t bins_max) {
  Throughput out;
  out.bin_us = throughput_bin_us(data.end_us, bins_max);
  const auto bins = static_cast<size_t>(data.end_us / out.bin_us + 1);
  std::map<std::pair<int, int>, std::vector<int64_t>> series;
  for (const OpSpan& op : data.ops) {
    if (op.complete_us < 0) continue;
    auto& counts = series[{op.f, static_cast<int>(op.outcome)}];
    counts.resize(bins);
    ++counts[static_cast<size_t>(op.complete_us / out.bin_us)];
  }
  for (auto& [key, counts] : series) {
    out.series.push_back(
        ThroughputSeries{key.first, static_cast<Outcome>(key.second), std::move(counts)});
  }
  return out;
}

// The span of the history entry a checker names by its index, or -1 for an
// index outside the history or a nemesis line.
int64_t span_at(const ReportData& data, int64_t index) {
  if (index < 0 || static_cast<size_t>(index) >= data.span_of_index.size()) return -1;
  return data.span_of_index[static_cast<size_t>(index)];
}

// Every op object in an example: a JSON object with "index" and "process".
void collect_op_indexes(const nlohmann::json& json, std::set<int64_t>& out) {
  if (json.is_object()) {
    if (json.contains("index") && json.contains("process") && json["index"].is_number_integer()) {
      out.insert(json["index"].get<int64_t>());
    }
    for (const auto& item : json.items()) collect_op_indexes(item.value(), out);
  } else if (json.is_array()) {
    for (const auto& item : json) collect_op_indexes(item, out);
  }
}

// The values an example without ops names (duplicate, unseen).
std::set<int64_t> named_values(const nlohmann::json& example) {
  std::set<int64_t> values;
  for (const char* field : {"value", "values", "messages"}) {
    if (!example.contains(field)) continue;
    const nlohmann::json& v = example[field];
    if (v.is_number_integer()) values.insert(v.get<int64_t>());
    if (v.is_array()) {
      for (const auto& item : v) {
        if (item.is_number_integer()) values.insert(item.get<int64_t>());
      }
    }
  }
  return values;
}

KeyView key_view(const ReportData& data, const checker::History& history, const std::string& key) {
  KeyView view;
  view.key = key;
  std::map<int64_t, KeyOffsetRow> rows;
  const auto row = [&](int64_t offset) -> KeyOffsetRow& {
    KeyOffsetRow& r = rows[offset];
    r.offset = offset;
    return r;
  };
  const auto add_value = [](std::vector<int64_t>& values, int64_t value) {
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
  };
  for (size_t i = 0; i < history.size(); ++i) {
    const checker::Op& op = history[i];
    const int64_t span = data.span_of_index[i];
    if (op.type == OpType::kInvoke || span < 0) continue;
    if (op.f == checker::OpF::kSend && op.key == key) {
      if (op.type == OpType::kOk && op.offset) {
        KeyOffsetRow& r = row(*op.offset);
        add_value(r.values, op.value);
        r.senders.push_back(span);
      } else {
        view.unacknowledged.push_back(span);
      }
    }
    if (op.f == checker::OpF::kPoll && op.type == OpType::kOk) {
      for (const checker::PolledKey& polled : op.polled) {
        if (polled.key != key) continue;
        for (const checker::PolledRecord& record : polled.records) {
          KeyOffsetRow& r = row(record.offset);
          add_value(r.values, record.value);
          if (r.pollers.size() < kPollersMax) r.pollers.push_back(span);
          ++r.poll_count;
        }
      }
    }
  }
  for (auto& [offset, r] : rows) view.rows.push_back(std::move(r));
  return view;
}

}  // namespace

// Pairs invocations with completions, process by process, one entry at a
// time. An invocation's text is kept aside until its op completes: the
// completion's text (which knows the offset, the value read or the error)
// replaces it, and only an op that never completes shows its invocation's.
template <class HistoryOp>
void ReportBuilder<HistoryOp>::add(const HistoryOp& e) {
  data_.end_us = std::max(data_.end_us, e.time_us);
  if (e.process == checker::kNemesisProcess || is_nemesis(e)) {
    nemesis_.push_back(NemesisEntry{e.time_us, std::string(std::string_view(e.nemesis))});
    data_.span_of_index.push_back(-1);
    return;
  }
  if (e.type == OpType::kInvoke) {
    InFlight& in_flight = open_[e.process];
    // An invocation left open by the one before it is never completed.
    if (in_flight.span >= 0) {
      keep_text(in_flight);
      settle(in_flight.span);
    }
    in_flight.span = new_span(e);
    data_.ops[static_cast<size_t>(in_flight.span)].invoke_index = e.index;
    in_flight.text.clear();
    append_text(in_flight.text, e);
    data_.span_of_index.push_back(in_flight.span);
    return;
  }
  int64_t id = 0;
  if (auto it = open_.find(e.process); it != open_.end() && it->second.span >= 0) {
    id = it->second.span;
    it->second.span = -1;
  } else {
    // A completion without an invocation (a hand-written or cut history):
    // an op of no duration, kept so that the checker's indexes still map.
    id = new_span(e);
    uninvoked_processes_.insert(e.process);
  }
  OpSpan& span = data_.ops[static_cast<size_t>(id)];
  span.outcome = outcome_of(e.type);
  span.complete_us = e.time_us;
  span.complete_index = e.index;
  set_text(data_, span, e);
  data_.span_of_index.push_back(id);
  settle(id);
}

template <class HistoryOp>
void ReportBuilder<HistoryOp>::settle(int64_t id) {
  if (!columns_on_) return;
  settled_[static_cast<size_t>(id)] = 1;
  // Spans settle about in the order they began: most wait for a few others.
  while (columns_.size() < data_.ops.size() && settled_[columns_.size()] != 0) {
    const OpSpan& span = data_.ops[columns_.size()];
    columns_.add(span, data_.text(span));
  }
}

template <class HistoryOp>
void ReportBuilder<HistoryOp>::reserve(size_t entries) {
  data_.span_of_index.reserve(entries);
  data_.ops.reserve(entries / 2 + 1);
  data_.texts.reserve(entries * 8);
  if (columns_on_) {
    settled_.reserve(entries / 2 + 1);
    columns_.reserve(entries / 2 + 1, entries * 8);
  }
}

template <class HistoryOp>
int64_t ReportBuilder<HistoryOp>::new_span(const HistoryOp& e) {
  OpSpan span;
  span.process = e.process;
  const std::string_view f = to_string(e.f);
  auto [it, added] = f_ids_.emplace(f, static_cast<int>(data_.fs.size()));
  if (added) data_.fs.emplace_back(f);
  span.f = it->second;
  span.invoke_us = e.time_us;
  data_.ops.push_back(span);
  if (columns_on_) settled_.push_back(0);
  return static_cast<int64_t>(data_.ops.size() - 1);
}

template <class HistoryOp>
void ReportBuilder<HistoryOp>::keep_text(const InFlight& in_flight) {
  OpSpan& span = data_.ops[static_cast<size_t>(in_flight.span)];
  span.text_offset = data_.texts.size();
  data_.texts += in_flight.text;
  span.text_size = in_flight.text.size();
}

template <class HistoryOp>
ReportData ReportBuilder<HistoryOp>::finish(const ReportOptions& options) && {
  // Every span's process: one that invoked (open_ has each), or one whose
  // completion came without an invocation.
  std::set<int64_t> processes = std::move(uninvoked_processes_);
  for (const auto& [process, in_flight] : open_) {
    if (in_flight.span >= 0) {
      keep_text(in_flight);
      settle(in_flight.span);
    }
    processes.insert(process);
  }
  data_.processes.assign(processes.begin(), processes.end());
  data_.throughput = bin_throughput(data_, options.throughput_bins_max);
  data_.nemesis = nemesis_intervals(nemesis_, data_.end_us);
  sample_latency(data_, options);
  return std::move(data_);
}

template <class HistoryOp>
FinishedReport ReportBuilder<HistoryOp>::finish_with_ops_json(const ReportOptions& options) && {
  FinishedReport finished;
  finished.data = std::move(*this).finish(options);
  if (columns_on_) {
    EDDY_INVARIANT(columns_.size() == finished.data.ops.size(),
                   "every span is settled once the history is finished");
    columns_.append_to(finished.ops_json);
  }
  return finished;
}

template class ReportBuilder<checker::Op>;
template class ReportBuilder<checker::LinKvOp>;

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFail:
      return "fail";
    case Outcome::kInfo:
      return "info";
    case Outcome::kPending:
      return "pending";
  }
  return "?";
}

int64_t throughput_bin_us(int64_t end_us, int64_t bins_max) {
  bins_max = std::max<int64_t>(bins_max, 1);
  for (int64_t scale_us = 1'000;; scale_us *= 10) {
    for (const int64_t step : {1, 2, 5}) {
      const int64_t bin_us = step * scale_us;
      if (end_us / bin_us + 1 <= bins_max) return bin_us;
    }
  }
}

std::vector<NemesisInterval> nemesis_intervals(const std::vector<NemesisEntry>& entries,
                                               int64_t end_us) {
  std::vector<NemesisInterval> done;
  std::vector<NemesisInterval> open;  // in start order
  for (const NemesisEntry& e : entries) {
    const std::string& text = e.text;
    if (text.rfind("start", 0) == 0) {
      const std::string kind = fault_kind(text, 5);
      const bool already = std::any_of(open.begin(), open.end(),
                                       [&](const NemesisInterval& i) { return i.kind == kind; });
      if (!already) open.push_back(NemesisInterval{e.time_us, end_us, kind, text});
    } else if (text.rfind("stop", 0) == 0) {
      const std::string kind = fault_kind(text, 4);
      for (auto it = open.begin(); it != open.end();) {
        if (kind.empty() || it->kind == kind) {
          it->end_us = e.time_us;
          done.push_back(std::move(*it));
          it = open.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
  for (NemesisInterval& interval : open) done.push_back(std::move(interval));
  std::stable_sort(
      done.begin(), done.end(),
      [](const NemesisInterval& a, const NemesisInterval& b) { return a.start_us < b.start_us; });
  return done;
}

template <class History>
ReportData build(const History& history, const ReportOptions& options) {
  ReportBuilder<typename History::value_type> builder;
  builder.reserve(history.size());
  for (const auto& entry : history) builder.add(entry);
  return std::move(builder).finish(options);
}

ReportData build_report_data(const checker::History& history, const ReportOptions& options) {
  return build(history, options);
}

ReportData build_report_data(const checker::LinKvHistory& history, const ReportOptions& options) {
  return build(history, options);
}

void sample_latency(ReportData& data, const ReportOptions& options) {
  Sampling& s = data.sampling;
  s = Sampling{};
  std::vector<int64_t> completed;
  int64_t ok = 0;
  for (size_t id = 0; id < data.ops.size(); ++id) {
    if (data.ops[id].complete_us < 0) continue;
    completed.push_back(static_cast<int64_t>(id));
    if (data.ops[id].outcome == Outcome::kOk) ++ok;
  }
  s.completed = static_cast<int64_t>(completed.size());
  if (completed.size() <= options.latency_points_max) {
    data.latency_points = std::move(completed);
    s.plotted = s.completed;
    return;
  }
  std::vector<bool> keep(data.ops.size(), false);
  int64_t kept = 0;
  for (const int64_t id : completed) {
    if (data.ops[static_cast<size_t>(id)].outcome != Outcome::kOk) {
      keep[static_cast<size_t>(id)] = true;
      ++kept;
    }
  }
  for (const AnomalyLink& link : data.anomalies) {
    for (const int64_t id : link.ops) keep[static_cast<size_t>(id)] = true;
  }
  // Spikes are what a latency plot is for: each bin's slowest ok op per f
  // stays, whatever the stride drops. Per f and bin in flat tables: f is a
  // small index and the bins are the throughput's, a few hundred.
  const auto latency = [&](int64_t id) {
    const OpSpan& op = data.ops[static_cast<size_t>(id)];
    return op.complete_us - op.invoke_us;
  };
  const int64_t bin_us = data.throughput.bin_us;
  size_t fs = 0;
  size_t bins = 0;
  for (const int64_t id : completed) {
    const OpSpan& op = data.ops[static_cast<size_t>(id)];
    fs = std::max(fs, static_cast<size_t>(op.f) + 1);
    bins = std::max(bins, static_cast<size_t>(op.complete_us / bin_us) + 1);
  }
  std::vector<int64_t> slowest(fs * bins, -1);  // by f * bins + bin: a span, or -1
  const int64_t budget =
      std::max<int64_t>(static_cast<int64_t>(options.latency_points_max) - kept, 1);
  s.stride = std::max<int64_t>((ok + budget - 1) / budget, 1);
  std::vector<int64_t> ordinal(fs, 0);  // per f
  for (const int64_t id : completed) {
    const OpSpan& op = data.ops[static_cast<size_t>(id)];
    if (op.outcome != Outcome::kOk) continue;
    const auto f = static_cast<size_t>(op.f);
    if (ordinal[f]++ % s.stride == 0) keep[static_cast<size_t>(id)] = true;
    int64_t& slot = slowest[f * bins + static_cast<size_t>(op.complete_us / bin_us)];
    if (slot < 0 || latency(id) > latency(slot)) slot = id;
  }
  for (const int64_t id : slowest) {
    if (id >= 0) keep[static_cast<size_t>(id)] = true;
  }
  data.latency_points.clear();
  for (const int64_t id : completed) {
    if (keep[static_cast<size_t>(id)]) data.latency_points.push_back(id);
  }
  s.plotted = static_cast<int64_t>(data.latency_points.size());
}

void add_kafka_anomalies(ReportData& data, const checker::History& history,
                         const checker::CheckResult& check) {
  // Sends by (key, value), for examples that name values but no ops; built
  // only when one does.
  std::map<std::pair<std::string, int64_t>, std::vector<int64_t>> sends;
  const auto index_sends = [&] {
    if (!sends.empty()) return;
    for (size_t i = 0; i < history.size(); ++i) {
      const checker::Op& op = history[i];
      if (op.f == checker::OpF::kSend && op.type != OpType::kInvoke && data.span_of_index[i] >= 0)
        sends[{op.key.str(), op.value}].push_back(data.span_of_index[i]);
    }
  };
  std::vector<std::string> keys;
  for (const auto& [type, anomaly] : check.anomalies) {
    for (const std::string& example : anomaly.examples) {
      AnomalyLink link;
      link.type = type;
      link.detail = example;
      const nlohmann::json json = nlohmann::json::parse(example, nullptr, false);
      if (json.is_object() && json.contains("key") && json["key"].is_string()) {
        link.key = json["key"].get<std::string>();
      }
      std::set<int64_t> indexes;
      collect_op_indexes(json, indexes);
      std::set<int64_t> spans;
      for (const int64_t index : indexes) {
        if (const int64_t span = span_at(data, index); span >= 0) spans.insert(span);
      }
      if (spans.empty() && json.is_object()) {
        index_sends();
        for (const int64_t value : named_values(json)) {
          auto it = sends.find({link.key, value});
          if (it != sends.end()) spans.insert(it->second.begin(), it->second.end());
        }
      }
      link.ops.assign(spans.begin(), spans.end());
      if (!link.key.empty() && std::find(keys.begin(), keys.end(), link.key) == keys.end()) {
        keys.push_back(link.key);
      }
      data.anomalies.push_back(std::move(link));
    }
  }
  for (size_t k = 0; k < keys.size() && k < kKeyViewsMax; ++k) {
    data.keys.push_back(key_view(data, history, keys[k]));
  }
}

void add_linkv_anomalies(ReportData& data, const checker::LinKvCheckResult& check) {
  for (const checker::LinKvKeyResult& key : check.keys) {
    if (!key.violation) continue;
    const checker::LinearizabilityViolation& v = *key.violation;
    std::set<int64_t> spans;
    std::vector<int64_t> indexes = v.concurrent;
    indexes.push_back(v.op_index);
    indexes.push_back(v.completion_index);
    for (const int64_t index : indexes) {
      if (const int64_t span = span_at(data, index); span >= 0) spans.insert(span);
    }
    AnomalyLink link;
    link.type = "nonlinearizable";
    link.key = key.key;
    link.detail = v.description;
    link.ops.assign(spans.begin(), spans.end());
    data.anomalies.push_back(std::move(link));
  }
}

}  // namespace eddy::sim::html_report
