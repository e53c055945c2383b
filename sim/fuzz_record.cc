// Fuzz scenario records (sim/fuzz_record.h): running one scenario into a
// record, and the record to and from JSON.
#include "sim/fuzz_record.h"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "checker/history_io.h"
#include "checker/linkv_history_io.h"
#include "sim/fuzz.h"
#include "sim/report.h"
#include "sim/run_check.h"
#include "sim/simulation.h"

namespace eddy::sim {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// FNV-1a over the history as history.jsonl writes it (kafka's or lin-kv's):
// equal hashes mean equal histories, for comparing runs across processes
// and machines.
std::string history_hash(const SimResult& result) {
  std::ostringstream text;
  if (result.linkv_history.empty()) {
    checker::write_history(result.history, text);
  } else {
    checker::write_linkv_history(result.linkv_history, text);
  }
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char ch : text.view()) {
    hash ^= static_cast<unsigned char>(ch);
    hash *= 0x100000001b3ULL;
  }
  return hex64(hash);
}

}  // namespace

nlohmann::json to_json(const ScenarioRecord& r) {
  return {{"type", "scenario"},
          {"seed", r.seed},
          {"verdict", r.verdict},
          {"live", r.verdict != "not-live"},
          {"safety", r.safety},
          {"liveness", r.liveness},
          {"anomalies", r.anomalies},
          {"ops", r.ops},
          {"history_hash", r.history_hash},
          {"scenario", r.scenario},
          {"replay", r.replay},
          {"elapsed_s", r.elapsed_s}};
}

core::Result<ScenarioRecord, std::string> record_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return core::Err{std::string("not a JSON object")};
  ScenarioRecord r;
  const auto text = [&](const char* key, std::string& out) {
    const auto it = json.find(key);
    if (it == json.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
  };
  const auto seed = json.find("seed");
  if (seed == json.end() || !seed->is_number_unsigned()) {
    return core::Err{std::string("\"seed\" missing or not a whole number")};
  }
  r.seed = seed->get<uint64_t>();
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"verdict", &r.verdict},
                                 {"safety", &r.safety},
                                 {"liveness", &r.liveness},
                                 {"anomalies", &r.anomalies},
                                 {"scenario", &r.scenario},
                                 {"history_hash", &r.history_hash},
                                 {"replay", &r.replay}}) {
    if (!text(key, *out)) return core::Err{"\"" + std::string(key) + "\" missing or not a string"};
  }
  if (r.verdict != "pass" && r.verdict != "fail" && r.verdict != "not-live") {
    return core::Err{"\"verdict\" must be pass, fail or not-live, got '" + r.verdict + "'"};
  }
  const auto ops = json.find("ops");
  if (ops == json.end() || !ops->is_number_integer()) {
    return core::Err{std::string("\"ops\" missing or not an integer")};
  }
  r.ops = ops->get<int64_t>();
  const auto elapsed = json.find("elapsed_s");
  if (elapsed == json.end() || !elapsed->is_number()) {
    return core::Err{std::string("\"elapsed_s\" missing or not a number")};
  }
  r.elapsed_s = elapsed->get<double>();
  return r;
}

ScenarioRecord run_scenario(const std::string& strategy, uint64_t seed) {
  const auto start = std::chrono::steady_clock::now();
  const SimOptions options = random_scenario(strategy, seed);
  const SimResult result = Simulation(options).run();
  const RunCheck check = check_run(options, result);
  const Judgement judgement = judge(options, check, result);
  ScenarioRecord r;
  r.seed = seed;
  r.replay = replay_command(options);
  r.scenario = r.replay.substr(r.replay.find(" -w ") + 1);
  r.verdict = !judgement.safety.empty()     ? "fail"
              : !judgement.liveness.empty() ? "not-live"
                                            : "pass";
  r.safety = judgement.safety;
  r.liveness = judgement.liveness;
  r.anomalies = check.workload_problem;
  r.ops = check.client_invocations;
  r.history_hash = history_hash(result);
  r.elapsed_s = seconds_since(start);
  return r;
}

ScenarioRecord died_record(const std::string& strategy, uint64_t seed, int status,
                           const std::string& last_stderr_line) {
  ScenarioRecord r;
  r.seed = seed;
  r.replay = replay_command(random_scenario(strategy, seed));
  r.scenario = r.replay.substr(r.replay.find(" -w ") + 1);
  r.verdict = "fail";
  std::string how;
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    how = "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  } else if (WIFEXITED(status)) {
    how = "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  r.safety = "worker died: " + how +
             (last_stderr_line.empty() ? std::string("; it wrote nothing to stderr")
                                       : "; last stderr line: " + last_stderr_line);
  return r;
}

}  // namespace eddy::sim
