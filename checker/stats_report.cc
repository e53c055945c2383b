#include "checker/stats_report.h"

#include <cstdio>

namespace eddy::checker::detail {
namespace {

using nlohmann::json;

json latency_json(const LatencyStats& latency) {
  return json{{"count", latency.count},
              {"p50_ms", latency.p50_ms},
              {"p95_ms", latency.p95_ms},
              {"p99_ms", latency.p99_ms},
              {"max_ms", latency.max_ms}};
}

std::string fixed1(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

std::string padded(const std::string& text, size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string latency_text(const LatencyStats& latency) {
  if (latency.count == 0) return "-";
  return fixed1(latency.p50_ms) + " / " + fixed1(latency.p95_ms) + " / " + fixed1(latency.p99_ms) +
         " / " + fixed1(latency.max_ms);
}

}  // namespace

json validity_json(Validity validity) {
  switch (validity) {
    case Validity::kValid:
      return true;
    case Validity::kInvalid:
      return false;
    case Validity::kUnknown:
      break;
  }
  return "unknown";
}

json by_f_json(const std::map<std::string, FStats>& by_f) {
  json out = json::object();
  for (const auto& [f, stats] : by_f) {
    out[f] = json{{"invoke", stats.invoke},
                  {"ok", stats.ok},
                  {"fail", stats.fail},
                  {"info", stats.info},
                  {"latency_ok", latency_json(stats.latency_ok)},
                  {"latency_all", latency_json(stats.latency_all)}};
  }
  return out;
}

std::string format_ops_table(const std::map<std::string, FStats>& by_f) {
  std::string out = "ops:\n";
  out += "  f         invoke        ok      fail      info   ok latency ms p50 / p95 / p99 / max\n";
  for (const auto& [f, stats] : by_f) {
    std::string line = "  " + f + std::string(f.size() < 6 ? 6 - f.size() : 0, ' ');
    for (int64_t count : {stats.invoke, stats.ok, stats.fail, stats.info}) {
      line += padded(std::to_string(count), 10);
    }
    out += line + "   " + latency_text(stats.latency_ok) + "\n";
  }
  return out;
}

}  // namespace eddy::checker::detail
