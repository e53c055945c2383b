// The files of a run folder and the text of its report: report.h says what
// each holds; everything comes from the options and the result alone.
#include "sim/report.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "checker/history_io.h"
#include "checker/linkv_history_io.h"
#include "core/json_codec.h"
#include "sim/html_report/html_report.h"

namespace eddy::sim {
namespace {

std::string fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

// Shortest text that reads back as the same double (for seconds and rates):
// "1000", "0.5", never "1e+03".
std::string number(double value) {
  char buffer[64];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

const char* dist_name(LatencyDist dist) {
  switch (dist) {
    case LatencyDist::kConstant:
      return "constant";
    case LatencyDist::kUniform:
      return "uniform";
    case LatencyDist::kExponential:
      return "exponential";
  }
  return "?";
}

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (size_t i = 0; i < items.size(); ++i) text += (i ? separator : "") + items[i];
  return text;
}

}  // namespace

double messages_per_op(int64_t messages, int64_t invocations) {
  return invocations == 0 ? 0.0 : static_cast<double>(messages) / static_cast<double>(invocations);
}

std::string replay_command(const SimOptions& o) {
  const SimOptions d;
  std::string cmd = "eddy-sim test -w " + o.workload +
                    (o.bin.empty() ? " --strategy " + o.strategy : " --bin " + o.bin) +
                    " --node-count " + std::to_string(o.node_count) + " --concurrency " +
                    std::to_string(o.concurrency) + " --time-limit " + number(o.time_limit_s) +
                    " --rate " + number(o.rate_per_s);
  if (o.latency_ms != d.latency_ms || o.latency_dist != d.latency_dist) {
    cmd += " --latency " + std::to_string(o.latency_ms) + " --latency-dist " +
           dist_name(o.latency_dist);
  }
  if (o.delivery != d.delivery) cmd += " --delivery ideal";
  if (!o.nemesis.empty()) {
    cmd += " --nemesis " + join(o.nemesis, ",") + " --nemesis-interval " +
           number(o.nemesis_interval_s);
  }
  if (o.loss_p != d.loss_p) cmd += " --loss-p " + number(o.loss_p);
  if (o.duplicate_p != d.duplicate_p) cmd += " --duplicate-p " + number(o.duplicate_p);
  if (o.spike_p != d.spike_p)
    cmd += " --spike-p " + number(o.spike_p) + " --spike-ms " + std::to_string(o.spike_ms);
  if (o.torn_writes) cmd += " --torn-writes";
  if (o.clock_skew_ms != d.clock_skew_ms)
    cmd += " --clock-skew-ms " + std::to_string(o.clock_skew_ms);
  if (o.slow_disk_p != d.slow_disk_p) {
    cmd += " --slow-disk-p " + number(o.slow_disk_p) + " --slow-disk-ms " +
           std::to_string(o.slow_disk_ms);
  }
  if (o.key_count != d.key_count) cmd += " --key-count " + std::to_string(o.key_count);
  if (o.max_writes_per_key != d.max_writes_per_key) {
    cmd += " --max-writes-per-key " + std::to_string(o.max_writes_per_key);
  }
  if (o.assign_p != d.assign_p) cmd += " --assign-p " + number(o.assign_p);
  if (o.crash_interval_s != d.crash_interval_s)
    cmd += " --crash-interval " + number(o.crash_interval_s);
  if (o.client_timeout_ms) {
    cmd += " --client-timeout-ms " + std::to_string(*o.client_timeout_ms);
  }
  if (o.maelstrom_assign_bug) cmd += " --maelstrom-assign-bug";
  if (o.recovery_s != d.recovery_s) cmd += " --recovery " + number(o.recovery_s);
  if (o.final_time_limit_s != d.final_time_limit_s)
    cmd += " --final-time-limit " + number(o.final_time_limit_s);
  if (o.limits.poll_msgs_per_key_max != d.limits.poll_msgs_per_key_max) {
    cmd += " --poll-msgs-per-key-max " + std::to_string(o.limits.poll_msgs_per_key_max);
  }
  const core::kv::RaftKvOptions& raft = o.strategy_options.raft;
  const core::kv::RaftKvOptions& raft_default = d.strategy_options.raft;
  const auto raft_flag = [&](const char* flag, auto value, auto default_value) {
    if (value != default_value) cmd += std::string(" ") + flag + " " + std::to_string(value);
  };
  raft_flag("--raft-election-timeout-ms", raft.election_timeout_ms,
            raft_default.election_timeout_ms);
  raft_flag("--raft-heartbeat-ms", raft.heartbeat_ms, raft_default.heartbeat_ms);
  raft_flag("--raft-max-entries-per-append", raft.max_entries_per_append,
            raft_default.max_entries_per_append);
  raft_flag("--raft-batch-window-ms", raft.batch_window_ms, raft_default.batch_window_ms);
  raft_flag("--raft-rounds-outstanding", raft.max_rounds_outstanding,
            raft_default.max_rounds_outstanding);
  raft_flag("--raft-compact-after", raft.compact_after_entries, raft_default.compact_after_entries);
  // Raft's whole-log invariants are checked every so many events: a
  // violation that lasts a few events is found only at the same spacing.
  if (o.invariant_check_every_steps != d.invariant_check_every_steps) {
    cmd += " --check-every " + std::to_string(o.invariant_check_every_steps);
  }
  cmd += " --seed " + std::to_string(o.seed);
  if (!o.bin_args.empty()) {
    cmd += " --";
    for (const std::string& arg : o.bin_args) cmd += " " + arg;
  }
  return cmd;
}

// "leader faults: 4, a new leader serving after (ms) min 412 / p50 530 / max
// 901; 1 healed first", or "" when the run had none.
std::string leader_recovery_line(const SimResult& result) {
  std::vector<TimeUs> times = result.leader_recoveries;
  const size_t faults = times.size() + static_cast<size_t>(result.leader_faults_unrecovered);
  if (faults == 0) return "";
  std::sort(times.begin(), times.end());
  std::string line = "leader faults: " + std::to_string(faults);
  if (!times.empty()) {
    const auto ms = [](TimeUs us) { return fixed(static_cast<double>(us) / 1e3, 1); };
    line += ", a new leader serving after (ms) min " + ms(times.front()) + " / p50 " +
            ms(times[(times.size() - 1) / 2]) + " / max " + ms(times.back());
  }
  if (result.leader_faults_unrecovered > 0) {
    line += "; " + std::to_string(result.leader_faults_unrecovered) + " healed before one did";
  }
  return line + "\n";
}

std::string format_run_report(const SimOptions& o, const SimResult& result, const RunCheck& check) {
  std::ostringstream out;
  out << "eddy-sim " << o.workload << ": "
      << (o.bin.empty() ? "strategy " + o.strategy : "binary " + o.bin + " (process mode)") << ", "
      << o.node_count << (o.node_count == 1 ? " node" : " nodes") << ", concurrency "
      << o.concurrency << ", rate " << number(o.rate_per_s) << "/s, time limit "
      << number(o.time_limit_s) << " s, latency " << o.latency_ms << " ms "
      << dist_name(o.latency_dist) << ", nemesis "
      << (o.nemesis.empty() ? "none" : join(o.nemesis, ",")) << ", seed " << o.seed << "\n";
  out << "virtual time " << fixed(static_cast<double>(result.end_us) / 1e6, 3) << " s, "
      << result.events << " events, " << result.node_steps << " node steps\n";
  if (!result.abort_reason.empty()) out << "run aborted: " << result.abort_reason << "\n";
  out << leader_recovery_line(result);
  if (!result.lateness_log2_us.empty()) {
    // The quantile's bucket bound: "p99 < 512 µs".
    int64_t total = 0;
    for (const int64_t n : result.lateness_log2_us) total += n;
    const auto bound = [&](double q) {
      int64_t seen = 0;
      for (size_t k = 0; k < result.lateness_log2_us.size(); ++k) {
        seen += result.lateness_log2_us[k];
        if (static_cast<double>(seen) >= q * static_cast<double>(total)) return int64_t{1} << k;
      }
      return int64_t{1} << result.lateness_log2_us.size();
    };
    out << "runner lateness (events handled after their due time): p50 < " << bound(0.5)
        << " µs, p99 < " << bound(0.99) << " µs, max < " << bound(1.0) << " µs, " << total
        << " events; at most " << result.max_in_flight << " messages in flight\n";
  }
  if (!result.node_problems.empty()) {
    out << "node problems: " << result.node_problems.size() + result.node_problems_dropped << "\n";
    for (const std::string& problem : result.node_problems) out << "  " << problem << "\n";
    if (result.node_problems_dropped > 0) {
      out << "  (" << result.node_problems_dropped << " more)\n";
    }
  }
  out << "\n" << check.report << "\n";

  const NetStats& net = result.net;
  const int64_t ops = check.client_invocations;
  out << "network (maelstrom net stats)\n";
  out << "  all:     sent " << net.all.sent << ", received " << net.all.received << ", dropped "
      << net.all.dropped << ", msgs-per-op " << fixed(messages_per_op(net.all.sent, ops), 3)
      << "\n";
  out << "  clients: sent " << net.clients.sent << ", received " << net.clients.received
      << ", msgs-per-op " << fixed(messages_per_op(net.clients.sent, ops), 3) << "\n";
  out << "  servers: sent " << net.servers.sent << ", received " << net.servers.received
      << ", dropped " << net.servers.dropped << ", msgs-per-op "
      << fixed(messages_per_op(net.servers.sent, ops), 3) << "\n";
  if (net.duplicated > 0) out << "  duplicated: " << net.duplicated << "\n";
  if (net.to_closed_client > 0)
    out << "  replies to closed clients: " << net.to_closed_client << "\n";
  if (net.to_crashed_node > 0) out << "  lost with crashed nodes: " << net.to_crashed_node << "\n";
  out << "\n";
  if (!result.abort_reason.empty()) {
    out << "Run aborted: the verdict is unknown.\n";
  } else if (check.validity == checker::Validity::kValid) {
    out << "Everything looks good!\n";
  } else {
    out << "Analysis " << checker::to_string(check.validity) << "!\n";
  }
  out << "replay: " << replay_command(o) << "\n";
  return out.str();
}

nlohmann::json run_results_json(const SimOptions& o, const SimResult& result,
                                const RunCheck& check) {
  nlohmann::json json;
  json["replay"] = replay_command(o);
  json["check"] = check.json;
  const auto counts = [&](const TrafficCounts& c, bool per_op) {
    nlohmann::json j{{"sent", c.sent}, {"received", c.received}, {"dropped", c.dropped}};
    if (per_op) j["msgs_per_op"] = messages_per_op(c.sent, check.client_invocations);
    return j;
  };
  json["net"] = {{"all", counts(result.net.all, true)},
                 {"clients", counts(result.net.clients, false)},
                 {"servers", counts(result.net.servers, true)},
                 {"duplicated", result.net.duplicated},
                 {"to_closed_client", result.net.to_closed_client},
                 {"service_requests", result.service_requests}};
  // Only runs with crashes have the field, so that other runs' files stay as
  // they were.
  if (result.net.to_crashed_node > 0) json["net"]["to_crashed_node"] = result.net.to_crashed_node;
  if (!result.leader_recoveries.empty() || result.leader_faults_unrecovered > 0) {
    json["leader_faults"] = {{"recovery_us", result.leader_recoveries},
                             {"unrecovered", result.leader_faults_unrecovered}};
  }
  if (!o.bin.empty()) {
    json["node_problems"] = {{"problems", result.node_problems},
                             {"more", result.node_problems_dropped}};
    json["lateness_log2_us"] = result.lateness_log2_us;
    json["max_in_flight"] = result.max_in_flight;
    json["valid"] = checker::to_string(check.validity);
  }
  json["run"] = {{"virtual_time_us", result.end_us},
                 {"events", result.events},
                 {"node_steps", result.node_steps},
                 {"aborted", result.abort_reason}};
  return json;
}

std::string write_history_file(const std::string& dir, const SimOptions& o,
                               const SimResult& result) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return "cannot create " + dir + ": " + error.message();
  std::ofstream history(fs::path(dir) / "history.jsonl", std::ios::binary);
  if (o.workload == "lin-kv") {
    checker::write_linkv_history(result.linkv_history, history);
  } else {
    checker::write_history(result.history, history);
  }
  return history ? "" : "cannot write history.jsonl in " + dir;
}

std::string write_run_folder(const std::string& dir, const SimOptions& o, const SimResult& result,
                             const RunCheck& check, bool history_written) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return "cannot create " + dir + ": " + error.message();
  const auto write = [&](const std::string& name, const std::string& text) -> std::string {
    std::ofstream file(fs::path(dir) / name, std::ios::binary);
    file << text;
    return file ? "" : "cannot write " + (fs::path(dir) / name).string();
  };
  if (!history_written) {
    if (auto e = write_history_file(dir, o, result); !e.empty()) return e;
  }
  const std::string report = format_run_report(o, result, check);
  if (auto e = write("report.txt", report); !e.empty()) return e;
  if (auto e = write("results.json", run_results_json(o, result, check).dump(2) + "\n");
      !e.empty()) {
    return e;
  }
  if (o.journal) {
    std::string lines;
    for (const JournalEntry& entry : result.journal) {
      lines += "{\"id\":" + std::to_string(entry.id) +
               ",\"sent_us\":" + std::to_string(entry.sent_us) +
               ",\"received_us\":" + std::to_string(entry.received_us) + ",\"message\":";
      std::string message = core::encode_line(entry.message);
      message.pop_back();
      lines += message + "}\n";
    }
    if (auto e = write("journal.jsonl", lines); !e.empty()) return e;
  }
  if (o.node_logs) {
    fs::create_directories(fs::path(dir) / "nodes", error);
    for (size_t i = 0; i < result.node_logs.size(); ++i) {
      std::string text;
      for (const std::string& line : result.node_logs[i]) text += line + "\n";
      if (auto e = write("nodes/n" + std::to_string(i) + ".log", text); !e.empty()) return e;
    }
  }
  if (o.html_report) return write_run_html(dir, o, result, check);
  return "";
}

PreparedReport prepare_run_html(const SimOptions& o, const SimResult& result,
                                html_report::ReportData data) {
  return prepare_run_html(o, result, html_report::FinishedReport{std::move(data), {}});
}

PreparedReport prepare_run_html(const SimOptions& o, const SimResult& result,
                                html_report::FinishedReport finished) {
  std::optional<html_report::DiagramData> diagram;
  if (o.journal) diagram = html_report::build_diagram(html_report::journal_lines(result.journal));
  const html_report::DiagramData* shown = diagram ? &*diagram : nullptr;
  // The ops' member as a run's builder wrote it, or written now.
  std::string columns = finished.ops_json.empty()
                            ? html_report::columns_json(finished.data, shown)
                            : html_report::columns_json(std::move(finished.ops_json), shown);
  return PreparedReport{std::move(finished.data), std::move(columns)};
}

std::string write_run_html(const std::string& dir, const SimOptions& o, const SimResult& result,
                           const RunCheck& check) {
  html_report::ReportData data = o.workload == "lin-kv"
                                     ? html_report::build_report_data(result.linkv_history)
                                     : html_report::build_report_data(result.history);
  return write_run_html(dir, o, result, check, prepare_run_html(o, result, std::move(data)));
}

std::string write_run_html(const std::string& dir, const SimOptions& o, const SimResult& result,
                           const RunCheck& check, PreparedReport prepared) {
  html_report::ReportMeta meta;
  meta.workload = o.workload;
  meta.replay = replay_command(o);
  meta.text_report = format_run_report(o, result, check);
  meta.title = meta.text_report.substr(0, meta.text_report.find('\n'));
  meta.net = run_results_json(o, result, check)["net"];
  html_report::ReportData& data = prepared.data;
  if (o.workload == "lin-kv") {
    html_report::link_check(data, result.linkv_history, check);
  } else {
    html_report::link_check(data, result.history, check);
  }
  return html_report::write_rendered_report((std::filesystem::path(dir) / "report.html").string(),
                                            meta, data, check, prepared.columns);
}

}  // namespace eddy::sim
