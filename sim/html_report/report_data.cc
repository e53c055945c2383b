// Builds ReportData (report_data.h) from a history: pairing, binning,
// nemesis intervals, latency sampling and anomaly links.
#include "sim/html_report/report_data.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

namespace eddy::sim::html_report {
namespace {

using checker::OpType;

std::string cut(const std::string& text, size_t max) {
  return text.size() <= max ? text : text.substr(0, max) + "...";
}

std::string message_text(int64_t value) {
  return value == checker::kNonIntegerValue ? "?" : std::to_string(value);
}

std::string kafka_text(const checker::Op& op) {
  std::string text(checker::to_string(op.f));
  switch (op.f) {
    case checker::OpF::kSend:
      text += " " + op.key + "=" + message_text(op.value);
      if (op.offset) text += " @" + std::to_string(*op.offset);
      break;
    case checker::OpF::kPoll:
      if (op.type == OpType::kOk) {
        size_t records = 0;
        for (const checker::PolledKey& key : op.polled) records += key.records.size();
        text +=
            " " + std::to_string(op.polled.size()) + " keys, " + std::to_string(records) + " msgs";
      }
      break;
    case checker::OpF::kAssign: {
      std::string keys;
      for (size_t i = 0; i < op.keys.size() && i < 6; ++i) keys += (i ? " " : "") + op.keys[i];
      if (op.keys.size() > 6) keys += " ...";
      text += " [" + keys + "]";
      if (op.seek_to_beginning) text += " from 0";
      break;
    }
    case checker::OpF::kCrash:
    case checker::OpF::kNemesis:
      break;
  }
  // A crash's "error" is always "crash": nothing to add.
  if (!op.error.empty() && op.f != checker::OpF::kCrash) text += " (" + cut(op.error, 80) + ")";
  return text;
}

std::string linkv_text(const checker::LinKvOp& op) {
  std::string text = std::string(checker::to_string(op.f)) + " " + op.key.to_json_text();
  switch (op.f) {
    case checker::LinKvF::kRead:
      if (op.value) text += " -> " + op.value->to_json_text();
      break;
    case checker::LinKvF::kWrite:
      if (op.value) text += " := " + op.value->to_json_text();
      break;
    case checker::LinKvF::kCas:
      text += " " + op.from.to_json_text() + " -> " + op.to.to_json_text();
      break;
    case checker::LinKvF::kNemesis:
      break;
  }
  if (!op.error.empty()) text += " (" + cut(op.error, 80) + ")";
  return text;
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

int f_id(ReportData& data, std::map<std::string, int>& ids, const std::string& f) {
  auto [it, added] = ids.emplace(f, static_cast<int>(data.fs.size()));
  if (added) data.fs.push_back(f);
  return it->second;
}

void pair_entries(ReportData& data, const std::vector<Entry>& entries) {
  std::map<std::string, int> f_ids;
  std::map<int64_t, int64_t> open;  // process -> span in flight
  std::set<int64_t> processes;
  data.span_of_index.assign(entries.size(), -1);
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    data.end_us = std::max(data.end_us, e.time_us);
    if (e.process == checker::kNemesisProcess) continue;
    processes.insert(e.process);
    if (e.type == OpType::kInvoke) {
      const auto id = static_cast<int64_t>(data.ops.size());
      OpSpan span;
      span.process = e.process;
      span.f = f_id(data, f_ids, e.f);
      span.invoke_us = e.time_us;
      span.invoke_index = e.index;
      span.text = e.text;
      data.ops.push_back(std::move(span));
      open[e.process] = id;
      data.span_of_index[i] = id;
      continue;
    }
    auto it = open.find(e.process);
    int64_t id = 0;
    if (it == open.end()) {
      // A completion without an invocation (a hand-written or cut history):
      // an op of no duration, kept so that the checker's indexes still map.
      id = static_cast<int64_t>(data.ops.size());
      OpSpan span;
      span.process = e.process;
      span.f = f_id(data, f_ids, e.f);
      span.invoke_us = e.time_us;
      data.ops.push_back(std::move(span));
    } else {
      id = it->second;
      open.erase(it);
    }
    OpSpan& span = data.ops[static_cast<size_t>(id)];
    span.outcome = outcome_of(e.type);
    span.complete_us = e.time_us;
    span.complete_index = e.index;
    span.text = e.text;  // the completion knows more (offset, value read, error)
    data.span_of_index[i] = id;
  }
  data.processes.assign(processes.begin(), processes.end());
}

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

// For each entry, whether it is an invocation that a later completion on
// its process answers: its text is never shown (the completion's replaces
// it), so it is not built.
template <class History>
std::vector<bool> answered_invocations(const History& history) {
  std::vector<bool> answered(history.size(), false);
  std::map<int64_t, size_t> open;
  for (size_t i = 0; i < history.size(); ++i) {
    if (history[i].process == checker::kNemesisProcess) continue;
    if (history[i].type == OpType::kInvoke) {
      open[history[i].process] = i;
    } else if (auto it = open.find(history[i].process); it != open.end()) {
      answered[it->second] = true;
      open.erase(it);
    }
  }
  return answered;
}

}  // namespace

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

std::vector<Entry> entries_of(const checker::History& history) {
  std::vector<Entry> out;
  out.reserve(history.size());
  const std::vector<bool> answered = answered_invocations(history);
  for (size_t i = 0; i < history.size(); ++i) {
    const checker::Op& op = history[i];
    const bool silent = op.f == checker::OpF::kNemesis || answered[i];
    out.push_back(Entry{op.index, op.time_us, op.process, op.type, std::string(to_string(op.f)),
                        silent ? "" : kafka_text(op), op.nemesis});
  }
  return out;
}

std::vector<Entry> entries_of(const checker::LinKvHistory& history) {
  std::vector<Entry> out;
  out.reserve(history.size());
  const std::vector<bool> answered = answered_invocations(history);
  for (size_t i = 0; i < history.size(); ++i) {
    const checker::LinKvOp& op = history[i];
    const bool silent = op.f == checker::LinKvF::kNemesis || answered[i];
    out.push_back(Entry{op.index, op.time_us, op.process, op.type, std::string(to_string(op.f)),
                        silent ? "" : linkv_text(op), op.nemesis});
  }
  return out;
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

std::vector<NemesisInterval> nemesis_intervals(const std::vector<Entry>& entries, int64_t end_us) {
  std::vector<NemesisInterval> done;
  std::vector<NemesisInterval> open;  // in start order
  for (const Entry& e : entries) {
    if (e.process != checker::kNemesisProcess) continue;
    const std::string& text = e.nemesis;
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

ReportData build_report_data(const std::vector<Entry>& entries, const ReportOptions& options) {
  ReportData data;
  pair_entries(data, entries);
  data.throughput = bin_throughput(data, options.throughput_bins_max);
  data.nemesis = nemesis_intervals(entries, data.end_us);
  sample_latency(data, options);
  return data;
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
  // stays, whatever the stride drops.
  std::map<std::pair<int, int64_t>, int64_t> slowest;  // (f, bin) -> span
  const auto latency = [&](int64_t id) {
    const OpSpan& op = data.ops[static_cast<size_t>(id)];
    return op.complete_us - op.invoke_us;
  };
  const int64_t budget =
      std::max<int64_t>(static_cast<int64_t>(options.latency_points_max) - kept, 1);
  s.stride = std::max<int64_t>((ok + budget - 1) / budget, 1);
  std::map<int, int64_t> ordinal;  // per f
  for (const int64_t id : completed) {
    const OpSpan& op = data.ops[static_cast<size_t>(id)];
    if (op.outcome != Outcome::kOk) continue;
    if (ordinal[op.f]++ % s.stride == 0) keep[static_cast<size_t>(id)] = true;
    auto [it, added] =
        slowest.emplace(std::make_pair(op.f, op.complete_us / data.throughput.bin_us), id);
    if (!added && latency(id) > latency(it->second)) it->second = id;
  }
  for (const auto& [bin, id] : slowest) keep[static_cast<size_t>(id)] = true;
  data.latency_points.clear();
  for (const int64_t id : completed) {
    if (keep[static_cast<size_t>(id)]) data.latency_points.push_back(id);
  }
  s.plotted = static_cast<int64_t>(data.latency_points.size());
}

void add_kafka_anomalies(ReportData& data, const checker::History& history,
                         const checker::CheckResult& check) {
  // Sends by (key, value), for examples that name values but no ops.
  std::map<std::pair<std::string, int64_t>, std::vector<int64_t>> sends;
  for (size_t i = 0; i < history.size(); ++i) {
    const checker::Op& op = history[i];
    if (op.f == checker::OpF::kSend && op.type != OpType::kInvoke && data.span_of_index[i] >= 0)
      sends[{op.key, op.value}].push_back(data.span_of_index[i]);
  }
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
        if (index >= 0 && static_cast<size_t>(index) < data.span_of_index.size() &&
            data.span_of_index[static_cast<size_t>(index)] >= 0) {
          spans.insert(data.span_of_index[static_cast<size_t>(index)]);
        }
      }
      if (spans.empty() && json.is_object()) {
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
      if (index >= 0 && static_cast<size_t>(index) < data.span_of_index.size() &&
          data.span_of_index[static_cast<size_t>(index)] >= 0) {
        spans.insert(data.span_of_index[static_cast<size_t>(index)]);
      }
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
