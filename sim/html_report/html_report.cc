// Writes report.html (html_report.h): the data as JSON, the page skeleton,
// and the script and style embedded from report.js / report.css.
#include "sim/html_report/html_report.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"
#include "sim/html_report/ops_columns.h"
#include "sim/html_report/report_assets.h"

namespace eddy::sim::html_report {
namespace {

using nlohmann::json;

json stats_json(const std::map<std::string, checker::FStats>& by_f) {
  json rows = json::array();
  for (const auto& [f, s] : by_f) {
    rows.push_back(json{{"f", f},
                        {"invoke", s.invoke},
                        {"ok", s.ok},
                        {"fail", s.fail},
                        {"info", s.info},
                        {"p50_ms", s.latency_all.p50_ms},
                        {"p95_ms", s.latency_all.p95_ms},
                        {"p99_ms", s.latency_all.p99_ms},
                        {"max_ms", s.latency_all.max_ms}});
  }
  return rows;
}

// Bytes that are not UTF-8 (a history may hold anything) become U+FFFD
// instead of throwing.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string escape_html(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

// Inside <script>, "</script" or "<!--" would end or derail the element; a
// '<' can only occur inside a JSON string, where \u003c means the same.
std::string script_safe(const std::string& json_text) {
  std::string out;
  out.reserve(json_text.size());
  for (const char ch : json_text) {
    if (ch == '<') {
      out += "\\u003c";
    } else {
      out += ch;
    }
  }
  return out;
}

// The two large parts (ops and messages) are written by hand, as columns
// (JsonColumn, ops_columns.h): nlohmann's tree of 200,000 small values costs
// more than the run's checker.
using Put = std::function<void(std::string_view)>;

template <class Item, class Get>
void append_column(std::string& out, std::string_view name, const std::vector<Item>& items,
                   Get get) {
  // Room never written costs address space only (OpsColumns::reserve): for
  // the longest numbers, so that a column of times is never moved.
  JsonColumn column;
  column.reserve(JsonColumn::kNumberBytesMax * items.size());
  for (const Item& item : items) column.put_int(static_cast<int64_t>(get(item)));
  out += '"';
  out += name;
  out += "\":[";
  out += column.view();
  out += ']';
}

void append_diagram(std::string& out, const DiagramData* d) {
  out += "\"diagram\":";
  if (d == nullptr) {
    out += "null";
    return;
  }
  out += "{\"lanes\":" + script_safe(dump(json(d->lanes))) +
         ",\"types\":" + script_safe(dump(json(d->types))) +
         ",\"total\":" + std::to_string(d->total) + ",\"m\":{";
  using M = DiagramMessage;
  append_column(out, "a", d->messages, [](const M& m) { return m.from; });
  out += ',';
  append_column(out, "b", d->messages, [](const M& m) { return m.to; });
  out += ',';
  append_column(out, "s", d->messages, [](const M& m) { return m.sent_us; });
  out += ',';
  append_column(out, "r", d->messages, [](const M& m) { return m.received_us; });
  out += ',';
  append_column(out, "t", d->messages, [](const M& m) { return m.type; });
  out += "}}";
}

void put_json(const Put& put, const ReportMeta& meta, const ReportData& data, const RunCheck& check,
              std::string_view columns) {
  json doc;
  doc["title"] = meta.title;
  doc["workload"] = meta.workload;
  doc["replay"] = meta.replay;
  doc["net"] = meta.net;
  doc["verdict"] = std::string(checker::to_string(check.validity));
  doc["problem"] = check.workload_problem;
  doc["fs"] = data.fs;
  doc["outcomes"] = {"ok", "fail", "info", "pending"};
  doc["end_us"] = data.end_us;
  doc["processes"] = data.processes;
  json series = json::array();
  for (const ThroughputSeries& s : data.throughput.series) {
    series.push_back({{"f", s.f}, {"o", static_cast<int>(s.outcome)}, {"counts", s.counts}});
  }
  doc["throughput"] = {{"bin_us", data.throughput.bin_us}, {"series", series}};
  json nemesis = json::array();
  for (const NemesisInterval& n : data.nemesis) {
    nemesis.push_back(
        {{"start_us", n.start_us}, {"end_us", n.end_us}, {"kind", n.kind}, {"label", n.label}});
  }
  doc["nemesis"] = nemesis;
  json anomalies = json::array();
  for (const AnomalyLink& a : data.anomalies) {
    anomalies.push_back({{"type", a.type}, {"key", a.key}, {"detail", a.detail}, {"ops", a.ops}});
  }
  doc["anomalies"] = anomalies;
  json keys = json::array();
  for (const KeyView& k : data.keys) {
    json rows = json::array();
    for (const KeyOffsetRow& r : k.rows) {
      rows.push_back({r.offset, r.values, r.senders, r.pollers, r.poll_count});
    }
    keys.push_back({{"key", k.key}, {"rows", rows}, {"unacknowledged", k.unacknowledged}});
  }
  doc["keys"] = keys;
  if (check.kafka) {
    doc["stats"] = stats_json(check.kafka->by_f);
    doc["availability"] = check.kafka->availability;
  } else if (check.linkv) {
    doc["stats"] = stats_json(check.linkv->by_f);
    doc["availability"] = check.linkv->availability;
  }
  // The small parts through nlohmann; the large ones rendered by hand (the
  // latency plot's ids are up to ReportOptions::latency_points_max).
  std::string small = script_safe(dump(doc));
  small.back() = ',';  // was the closing brace
  small += "\"latency\":{";
  append_column(small, "ids", data.latency_points, [](int64_t id) { return id; });
  small += ",\"completed\":";
  core::append_int(small, data.sampling.completed);
  small += ",\"plotted\":";
  core::append_int(small, data.sampling.plotted);
  small += ",\"stride\":";
  core::append_int(small, data.sampling.stride);
  small += "},";
  put(small);
  put(columns);
  put("}");
}

// The page, piece by piece: into a string (render_html) or straight into
// the file (write_report), which spares a copy of the whole page.
void emit_page(const Put& put, const ReportMeta& meta, const ReportData& data,
               const RunCheck& check, std::string_view columns) {
  put("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  put(escape_html(meta.title));
  put("</title>\n<style>\n");
  put(assets::kReportCss);
  put("</style>\n</head>\n<body data-errors=\"0\">\n");
  // The text report is readable with scripts off; the script draws the rest.
  put("<noscript><p>The plots need JavaScript; the text report is below.</p></noscript>\n");
  put("<main id=\"app\"></main>\n");
  put("<details id=\"text-report\"><summary>Text report</summary><pre>");
  put(escape_html(meta.text_report));
  put("</pre></details>\n<script type=\"application/json\" id=\"report-data\">");
  put_json(put, meta, data, check, columns);
  put("</script>\n<script>\n");
  put(assets::kReportJs);
  put("</script>\n</body>\n</html>\n");
}

}  // namespace

void link_check(ReportData& data, const checker::History& history, const RunCheck& check,
                const ReportOptions& options) {
  if (check.kafka) add_kafka_anomalies(data, history, *check.kafka);
  // An anomaly's ops are always plotted.
  if (!data.anomalies.empty()) sample_latency(data, options);
}

void link_check(ReportData& data, const checker::LinKvHistory& /*history*/, const RunCheck& check,
                const ReportOptions& options) {
  if (check.linkv) add_linkv_anomalies(data, *check.linkv);
  if (!data.anomalies.empty()) sample_latency(data, options);
}

ReportData report_data_of(const checker::History& history, const RunCheck& check,
                          const ReportOptions& options) {
  ReportData data = build_report_data(history, options);
  link_check(data, history, check, options);
  return data;
}

ReportData report_data_of(const checker::LinKvHistory& history, const RunCheck& check,
                          const ReportOptions& options) {
  ReportData data = build_report_data(history, options);
  link_check(data, history, check, options);
  return data;
}

namespace {

// Room for the diagram's member at its longest numbers, reserved and so
// never touched where the numbers are shorter.
size_t diagram_room(const DiagramData* diagram) {
  constexpr size_t kNumber = JsonColumn::kNumberBytesMax;
  if (diagram == nullptr) return 16;  // ,"diagram":null
  return 64 + diagram->messages.size() * 5 * kNumber + (diagram->lanes.size() + 64) * 64 +
         diagram->types.size() * 64;
}

}  // namespace

std::string columns_json(const ReportData& data, const DiagramData* diagram) {
  OpsColumns ops;
  ops.reserve(data.ops.size(), data.texts.size());
  for (const OpSpan& op : data.ops) ops.add(op, data.text(op));
  std::string text;
  text.reserve(ops.bytes() + 1 + diagram_room(diagram));
  ops.append_to(text);
  return columns_json(std::move(text), diagram);
}

std::string columns_json(std::string ops_json, const DiagramData* diagram) {
  std::string text = std::move(ops_json);
  text.reserve(text.size() + 1 + diagram_room(diagram));
  text += ',';
  append_diagram(text, diagram);
  return text;
}

std::string report_json(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram) {
  std::string text;
  put_json([&](std::string_view piece) { text += piece; }, meta, data, check,
           columns_json(data, diagram));
  return text;
}

std::string render_html(const ReportMeta& meta, const ReportData& data, const RunCheck& check,
                        const DiagramData* diagram) {
  std::string html;
  emit_page([&](std::string_view piece) { html += piece; }, meta, data, check,
            columns_json(data, diagram));
  return html;
}

std::string write_report(const std::string& path, const ReportMeta& meta, const ReportData& data,
                         const RunCheck& check, const DiagramData* diagram) {
  return write_rendered_report(path, meta, data, check, columns_json(data, diagram));
}

std::string write_rendered_report(const std::string& path, const ReportMeta& meta,
                                  const ReportData& data, const RunCheck& check,
                                  std::string_view columns) {
  std::ofstream file(path, std::ios::binary);
  emit_page(
      [&](std::string_view piece) {
        file.write(piece.data(), static_cast<std::streamsize>(piece.size()));
      },
      meta, data, check, columns);
  return file ? "" : "cannot write " + path;
}

}  // namespace eddy::sim::html_report
