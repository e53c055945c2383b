// Writes report.html (html_report.h): the data as JSON, the page skeleton,
// and the script and style embedded from report.js / report.css.
#include "sim/html_report/html_report.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "core/json_writer.h"
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

// The two large parts (ops and messages) are written by hand, as columns:
// nlohmann's tree of 200,000 small values costs more than the run's checker.
// Each column is written into a buffer on the stack, a chunk at a time, and
// appended to the page's text (reserved whole by columns_json) at once per
// chunk: per character or per number, a string append cost more than the
// writing, and room made in the text itself was zero-filled first.
class ColumnWriter {
 public:
  explicit ColumnWriter(std::string& out) : out_(out) {}
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;
  ~ColumnWriter() { flush(); }

  void put(char ch) {
    if (at_ == std::end(buffer_)) flush();
    *at_++ = ch;
  }
  void put_int(int64_t value) {
    if (std::end(buffer_) - at_ < static_cast<std::ptrdiff_t>(core::kIntBytesMax)) flush();
    at_ = core::write_int(at_, value);
  }
  // `text` as a JSON string, '<' escaped too (see script_safe).
  void put_string(std::string_view text) {
    // An escaped character takes at most 6 bytes (a control character's
    // backslash, 'u' and four hex digits).
    const size_t most = 6 * text.size() + 2;
    if (most > kBytes) {  // longer than a chunk: straight into the text
      flush();
      const size_t start = out_.size();
      out_.resize(start + most);
      out_.resize(static_cast<size_t>(write_string(out_.data() + start, text) - out_.data()));
      return;
    }
    if (static_cast<size_t>(std::end(buffer_) - at_) < most) flush();
    at_ = write_string(at_, text);
  }

 private:
  static constexpr size_t kBytes = size_t{16} << 10;

  // Which bytes a JSON string in the page escapes: '"', '\\', '<' and the
  // control characters.
  static constexpr std::array<bool, 256> kEscaped = [] {
    std::array<bool, 256> escaped{};
    for (size_t byte = 0; byte < 0x20; ++byte) escaped[byte] = true;
    escaped['"'] = escaped['\\'] = escaped['<'] = true;
    return escaped;
  }();

  static char* write_string(char* at, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    *at++ = '"';
    for (size_t i = 0; i < text.size();) {
      // A run of plain bytes at once, then one escaped.
      size_t end = i;
      while (end < text.size() && !kEscaped[static_cast<unsigned char>(text[end])]) ++end;
      std::memcpy(at, text.data() + i, end - i);
      at += end - i;
      if (end == text.size()) break;
      const char ch = text[end];
      const auto byte = static_cast<unsigned char>(ch);
      *at++ = '\\';
      if (ch == '"' || ch == '\\') {
        *at++ = ch;
      } else {  // '<' and the control characters: 'u' and four hex digits
        *at++ = 'u';
        *at++ = '0';
        *at++ = '0';
        *at++ = kHex[byte >> 4];
        *at++ = kHex[byte & 0xf];
      }
      i = end + 1;
    }
    *at++ = '"';
    return at;
  }
  void flush() {
    out_.append(buffer_, static_cast<size_t>(at_ - buffer_));
    at_ = buffer_;
  }

  std::string& out_;
  char buffer_[kBytes];
  char* at_ = buffer_;
};

using Put = std::function<void(std::string_view)>;

template <class Item, class Get>
void append_column(std::string& out, std::string_view name, const std::vector<Item>& items,
                   Get get) {
  out += '"';
  out += name;
  out += "\":[";
  {
    ColumnWriter column(out);
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) column.put(',');
      if constexpr (std::is_same_v<decltype(get(items[i])), std::string_view>) {
        column.put_string(get(items[i]));
      } else {
        column.put_int(static_cast<int64_t>(get(items[i])));
      }
    }
  }
  out += ']';
}

void append_ops(std::string& out, const ReportData& data) {
  using Op = OpSpan;
  out += "\"ops\":{";
  append_column(out, "p", data.ops, [](const Op& op) { return op.process; });
  out += ',';
  append_column(out, "f", data.ops, [](const Op& op) { return op.f; });
  out += ',';
  append_column(out, "o", data.ops, [](const Op& op) { return static_cast<int>(op.outcome); });
  out += ',';
  append_column(out, "s", data.ops, [](const Op& op) { return op.invoke_us; });
  out += ',';
  append_column(out, "e", data.ops, [](const Op& op) { return op.complete_us; });
  out += ',';
  append_column(out, "i", data.ops, [](const Op& op) {
    return op.invoke_index >= 0 ? op.invoke_index : op.complete_index;
  });
  out += ',';
  append_column(out, "t", data.ops, [&](const Op& op) { return data.text(op); });
  out += '}';
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

std::string columns_json(const ReportData& data, const DiagramData* diagram) {
  // Room for the longest numbers, reserved and so never touched where the
  // numbers are shorter: a string grown by doubling faulted in each larger
  // copy and moved the columns again.
  constexpr size_t kNumber = core::kIntBytesMax + 1;
  size_t room = 64 + data.texts.size() * 6 + data.ops.size() * (6 * kNumber + 8);
  if (diagram != nullptr) {
    room += diagram->messages.size() * 5 * kNumber + (diagram->lanes.size() + 64) * 64 +
            diagram->types.size() * 64;
  }
  std::string text;
  text.reserve(room);
  append_ops(text, data);
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
