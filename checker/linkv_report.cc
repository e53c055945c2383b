// to_json and format_report of a lin-kv check (declared in linkv_checker.h).
#include <cstdio>
#include <string>

#include "checker/linkv_checker.h"
#include "checker/stats_report.h"

namespace eddy::checker {
namespace {

using nlohmann::json;

std::string fixed6(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  return buffer;
}

std::string verdict_line(const LinKvCheckResult& result) {
  std::string why;
  const auto add = [&](const std::string& part) { why += (why.empty() ? "" : "; ") + part; };
  if (result.keys_invalid > 0) {
    add("workload: " + std::to_string(result.keys_invalid) +
        (result.keys_invalid == 1 ? " key" : " keys") + " not linearizable");
  } else if (result.workload_validity == Validity::kUnknown) {
    add("workload unknown: " + result.unknown_reason);
  }
  for (const std::string& problem : result.stats_problems) add("stats: " + problem);
  if (!result.availability_problem.empty()) add("availability: " + result.availability_problem);
  if (why.empty()) why = "linearizable";
  return "verdict: " + std::string(to_string(result.validity)) + " (" + why + ")";
}

json violation_json(const LinearizabilityViolation& violation) {
  return json{
      {"op_index", violation.op_index},       {"completion_index", violation.completion_index},
      {"concurrent", violation.concurrent},   {"values_before", violation.values_before},
      {"description", violation.description}, {"window_exact", violation.window_exact}};
}

std::string indented(const std::string& text, const std::string& indent) {
  std::string out = indent;
  for (const char c : text) {
    out.push_back(c);
    if (c == '\n') out += indent;
  }
  return out + "\n";
}

}  // namespace

json to_json(const LinKvCheckResult& result) {
  json keys = json::array();
  for (const LinKvKeyResult& key : result.keys) {
    json entry{{"key", key.key},
               {"valid", detail::validity_json(key.validity)},
               {"ops", key.ops},
               {"states_explored", key.states_explored}};
    if (!key.unknown_reason.empty()) entry["unknown_reason"] = key.unknown_reason;
    if (key.violation) entry["violation"] = violation_json(*key.violation);
    keys.push_back(std::move(entry));
  }
  json out{{"valid", detail::validity_json(result.validity)},
           {"workload", json{{"valid", detail::validity_json(result.workload_validity)},
                             {"model", "cas-register"},
                             {"keys", std::move(keys)},
                             {"keys_invalid", result.keys_invalid},
                             {"keys_unknown", result.keys_unknown},
                             {"states_explored", result.states_explored}}},
           {"stats",
            json{{"by_f", detail::by_f_json(result.by_f)}, {"problems", result.stats_problems}}},
           {"availability", json{{"ok_fraction", result.availability}}},
           {"counts", json{{"history_entries", result.history_entries},
                           {"client_invocations", result.client_invocations}}}};
  if (!result.unknown_reason.empty()) out["workload"]["unknown_reason"] = result.unknown_reason;
  if (!result.availability_problem.empty()) {
    out["availability"]["problem"] = result.availability_problem;
  }
  return out;
}

std::string format_report(const LinKvCheckResult& result) {
  std::string out = verdict_line(result) + "\n";
  out += "history: " + std::to_string(result.history_entries) + " entries, " +
         std::to_string(result.client_invocations) + " client invocations, " +
         std::to_string(result.keys.size()) + " keys\n";
  out += "linearizability (cas-register, per key): " + std::to_string(result.keys.size()) +
         " keys, " + std::to_string(result.keys_invalid) + " not linearizable, " +
         std::to_string(result.keys_unknown) + " unknown; " +
         std::to_string(result.states_explored) + " search states\n";
  for (const LinKvKeyResult& key : result.keys) {
    if (key.validity == Validity::kValid) continue;
    out += "  key " + key.key + ": " +
           (key.validity == Validity::kInvalid ? "not linearizable" : "unknown") + " (" +
           std::to_string(key.ops) + " ops)\n";
    if (key.violation) out += indented(key.violation->description, "    ");
    if (!key.unknown_reason.empty()) out += "    " + key.unknown_reason + "\n";
  }
  out += detail::format_ops_table(result.by_f);
  out += "availability: " + fixed6(result.availability) + " ok fraction of client invocations" +
         (result.availability_problem.empty() ? "" : " (" + result.availability_problem + ")") +
         "\n";
  return out;
}

}  // namespace eddy::checker
