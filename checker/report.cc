// to_json and format_report (declared in kafka_checker.h).
#include <cinttypes>
#include <cstdio>
#include <string>

#include "checker/kafka_checker.h"
#include "checker/stats_report.h"

namespace eddy::checker {
namespace {

using detail::by_f_json;
using detail::format_ops_table;
using detail::validity_json;
using nlohmann::json;

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string verdict_line(const CheckResult& result) {
  std::string line = "verdict: " + std::string(to_string(result.validity));
  std::string why;
  const auto add = [&](const std::string& part) { why += (why.empty() ? "" : "; ") + part; };
  if (!result.bad_anomaly_types.empty()) {
    std::string types;
    for (const std::string& type : result.bad_anomaly_types) {
      types += (types.empty() ? "" : ", ") + type;
    }
    add("anomalies: " + types);
  }
  for (const std::string& problem : result.stats_problems) add("stats: " + problem);
  if (!result.availability_problem.empty()) add("availability: " + result.availability_problem);
  if (result.validity == Validity::kUnknown) add(result.unknown_reason);
  if (why.empty() && result.validity == Validity::kValid) why = "no anomalies";
  return why.empty() ? line : line + " (" + why + ")";
}

void append_anomalies(const CheckResult& result, std::string& out) {
  if (result.anomalies.empty()) {
    out += "anomalies: none\n";
    return;
  }
  out += "anomalies:\n";
  for (const auto& [type, anomaly] : result.anomalies) {
    const bool allowed = is_allowed_anomaly(type);
    const char* kind = type == anomaly::kPhantomRead ? "unknown" : allowed ? "allowed" : "bad";
    out += "  " + type + " (" + kind + "): " + std::to_string(anomaly.count) + "\n";
    for (const std::string& example : anomaly.examples) out += "    " + example + "\n";
  }
}

}  // namespace

json to_json(const CheckResult& result) {
  json anomalies = json::object();
  json types = json::array();
  for (const auto& [type, anomaly] : result.anomalies) {
    json examples = json::array();
    for (const std::string& example : anomaly.examples) examples.push_back(json::parse(example));
    anomalies[type] = json{{"count", anomaly.count}, {"examples", std::move(examples)}};
    types.push_back(type);
  }
  const RealtimeLag& lag = result.worst_realtime_lag;
  json out{{"valid", validity_json(result.validity)},
           {"anomaly_types", types},
           {"bad_anomaly_types", result.bad_anomaly_types},
           {"anomalies", anomalies},
           {"stats", json{{"by_f", by_f_json(result.by_f)}, {"problems", result.stats_problems}}},
           {"availability", json{{"ok_fraction", result.availability}}},
           {"worst_realtime_lag", json{{"lag_ms", static_cast<double>(lag.lag_us) / 1000.0},
                                       {"time_us", lag.time_us},
                                       {"process", lag.process},
                                       {"key", lag.key}}},
           {"info_causes", result.info_causes},
           {"counts", json{{"history_entries", result.history_entries},
                           {"client_invocations", result.client_invocations},
                           {"keys", result.keys},
                           {"acknowledged_sends", result.acknowledged_sends},
                           {"polled_values", result.polled_values}}}};
  if (!result.availability_problem.empty()) {
    out["availability"]["problem"] = result.availability_problem;
  }
  if (!result.unknown_reason.empty()) out["unknown_reason"] = result.unknown_reason;
  return out;
}

std::string format_report(const CheckResult& result) {
  std::string out = verdict_line(result) + "\n";
  out += "history: " + std::to_string(result.history_entries) + " entries, " +
         std::to_string(result.client_invocations) + " client invocations, " +
         std::to_string(result.keys) + " keys, " + std::to_string(result.acknowledged_sends) +
         " acknowledged sends, " + std::to_string(result.polled_values) + " messages polled\n";
  append_anomalies(result, out);
  if (!result.unknown_reason.empty()) out += "unknown: " + result.unknown_reason + "\n";
  out += format_ops_table(result.by_f);
  out += "availability: " + format("%.6f", result.availability) +
         " ok fraction of client invocations" +
         (result.availability_problem.empty() ? "" : " (" + result.availability_problem + ")") +
         "\n";
  const RealtimeLag& lag = result.worst_realtime_lag;
  out += "realtime lag: worst " + format("%.3f", static_cast<double>(lag.lag_us) / 1000.0) + " ms";
  if (lag.lag_us > 0) {
    out += " (key \"" + lag.key + "\", process " + std::to_string(lag.process) +
           ", poll invoked at " + format("%.3f", static_cast<double>(lag.time_us) / 1e6) + " s)";
  }
  out += "\n";
  if (!result.info_causes.empty()) {
    out += "info causes:";
    for (const std::string& cause : result.info_causes) out += " \"" + cause + "\"";
    out += "\n";
  }
  return out;
}

}  // namespace eddy::checker
