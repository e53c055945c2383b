// fuzz-report (sim/fuzz_report.h): reads shard files line by line, checks
// each line's shape, and keeps one bit per campaign seed to find seeds that
// are missing or ran twice.
#include "sim/fuzz_report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

namespace eddy::sim {
namespace {

constexpr size_t kMaxListed = 100;  // failures, duplicates, ranges listed in full

core::Result<int64_t, std::string> integer(const nlohmann::json& json, const char* key) {
  const auto it = json.find(key);
  if (it == json.end() || !it->is_number_integer()) {
    return core::Err{"\"" + std::string(key) + "\" missing or not an integer"};
  }
  return it->get<int64_t>();
}

struct Header {
  std::string strategy;
  uint64_t seed = 0;
  int64_t runs = 0;
  int64_t shard = 0;
  int64_t shards = 0;
};

core::Result<Header, std::string> read_header(const nlohmann::json& json) {
  if (!json.is_object() || json.value("type", "") != "header") {
    return core::Err{std::string(
        "the first line must be a fuzz campaign's header ({\"type\":\"header\",...}, written by "
        "eddy-sim fuzz --jsonl)")};
  }
  Header h;
  const auto strategy = json.find("strategy");
  if (strategy == json.end() || !strategy->is_string()) {
    return core::Err{std::string("\"strategy\" missing or not a string")};
  }
  h.strategy = strategy->get<std::string>();
  const auto seed = json.find("seed");
  if (seed == json.end() || !seed->is_number_unsigned()) {
    return core::Err{std::string("\"seed\" missing or not a whole number")};
  }
  h.seed = seed->get<uint64_t>();
  for (const auto& [key, out] : {std::pair<const char*, int64_t*>{"runs", &h.runs},
                                 {"shard", &h.shard},
                                 {"shards", &h.shards}}) {
    auto value = integer(json, key);
    if (!value) return core::Err{value.error()};
    *out = value.value();
  }
  if (h.runs < 1 || h.runs > kMaxRuns) {
    return core::Err{"\"runs\" must be in 1.." + std::to_string(kMaxRuns)};
  }
  if (h.seed > std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(h.runs - 1)) {
    return core::Err{std::string("\"seed\" + \"runs\" - 1 is past the largest seed")};
  }
  if (h.shards < 1 || h.shards > kMaxShards || h.shard < 0 || h.shard >= h.shards) {
    return core::Err{std::string("\"shard\" must be in 0..shards-1, \"shards\" in 1..") +
                     std::to_string(kMaxShards)};
  }
  return h;
}

std::string seed_ranges(const std::vector<std::pair<uint64_t, uint64_t>>& ranges, int64_t count) {
  std::string text;
  for (size_t i = 0; i < ranges.size() && i < kMaxListed; ++i) {
    const auto [first, last] = ranges[i];
    text += (i == 0 ? "" : ", ") + std::to_string(first);
    if (last != first) text += ".." + std::to_string(last);
  }
  if (ranges.size() > kMaxListed) {
    text += ", ... (" + std::to_string(count) + " seeds in " + std::to_string(ranges.size()) +
            " ranges)";
  }
  return text;
}

void list_records(std::string& out, const std::vector<ScenarioRecord>& records, bool unsafe) {
  for (size_t i = 0; i < records.size() && i < kMaxListed; ++i) {
    const ScenarioRecord& r = records[i];
    out += std::string(unsafe ? "FAIL" : "not live") + " seed " + std::to_string(r.seed) + ": " +
           (unsafe ? r.safety : r.liveness) + "\n  replay: " + r.replay + "\n";
  }
  if (records.size() > kMaxListed) {
    out += "... and " + std::to_string(records.size() - kMaxListed) + " more\n";
  }
}

}  // namespace

std::string FuzzMerger::add(const std::string& name, std::istream& in) {
  FuzzReport& report = report_;
  if (static_cast<size_t>(report.files) >= kMaxReportFiles) {
    return "at most " + std::to_string(kMaxReportFiles) + " files";
  }
  ++report.files;
  std::string line;
  int64_t line_number = 0;
  bool header_read = false;
  bool footer_read = false;
  int64_t records = 0;  // scenario lines
  const auto fail = [&](const std::string& what) {
    return name + ":" + std::to_string(line_number) + ": " + what;
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (line.size() > kMaxReportLineBytes) {
      return fail("line longer than " + std::to_string(kMaxReportLineBytes) + " bytes");
    }
    if (line.empty()) continue;
    const nlohmann::json json = nlohmann::json::parse(line, nullptr, false);
    if (json.is_discarded()) return fail("not JSON");
    if (!header_read) {
      auto h = read_header(json);
      if (!h) return fail(h.error());
      const Header& header = h.value();
      header_read = true;
      if (first_name_.empty()) {
        first_name_ = name;
        report.strategy = header.strategy;
        report.first_seed = header.seed;
        report.campaign_runs = header.runs;
        report.shards = header.shards;
        seen_.assign(static_cast<size_t>(header.runs), false);
      } else if (header.strategy != report.strategy || header.seed != report.first_seed ||
                 header.runs != report.campaign_runs || header.shards != report.shards) {
        return fail("another campaign than " + first_name_ +
                    "'s (strategy, seed, runs and shards must be the same in every file)");
      }
      continue;
    }
    if (footer_read) return fail("a line after the footer");
    const std::string type = json.is_object() ? json.value("type", "") : "";
    if (type == "footer") {
      footer_read = true;
      const auto rate = json.find("scenarios_per_s");
      if (rate == json.end() || !rate->is_number()) {
        return fail("\"scenarios_per_s\" missing or not a number");
      }
      report.scenarios_per_s += rate->get<double>();
      // A file cut short and a footer pasted on would otherwise pass.
      auto runs = integer(json, "runs");
      if (!runs) return fail(runs.error());
      if (runs.value() != records) {
        return fail("the footer counts " + std::to_string(runs.value()) + " runs, the file has " +
                    std::to_string(records));
      }
      if (json.value("stopped_early", false)) report.stopped_early = true;
      continue;
    }
    if (type != "scenario") return fail("\"type\" must be header, scenario or footer");
    auto record = record_from_json(json);
    if (!record) return fail(record.error());
    ++records;
    ScenarioRecord& r = record.value();
    if (r.seed < report.first_seed ||
        r.seed - report.first_seed >= static_cast<uint64_t>(report.campaign_runs)) {
      return fail(
          "seed " + std::to_string(r.seed) + " is not in the campaign (seeds " +
          std::to_string(report.first_seed) + ".." +
          std::to_string(report.first_seed + static_cast<uint64_t>(report.campaign_runs) - 1) +
          ")");
    }
    const size_t index = static_cast<size_t>(r.seed - report.first_seed);
    if (seen_[index]) {
      ++report.duplicate_count;
      if (report.duplicates.size() < kMaxListed) {
        report.duplicates.push_back("seed " + std::to_string(r.seed) + " (again at " + name + ":" +
                                    std::to_string(line_number) + ")");
      }
      continue;
    }
    seen_[index] = true;
    ++report.runs;
    report.scenario_s += r.elapsed_s;
    if (r.verdict == "pass") {
      ++report.passed;
    } else if (r.verdict == "fail") {
      ++report.failed;
      report.failures.push_back(std::move(r));
    } else {
      ++report.not_live;
      report.not_lives.push_back(std::move(r));
    }
  }
  if (in.bad()) return fail(line_number == 0 ? "cannot read it (a directory?)" : "read error");
  if (!header_read) {
    line_number = 1;
    return fail("empty: no header line");
  }
  if (!footer_read) report.unfinished.push_back(name);
  return "";
}

FuzzReport FuzzMerger::finish() {
  FuzzReport report = std::move(report_);
  for (size_t i = 0; i < seen_.size(); ++i) {
    if (seen_[i]) continue;
    ++report.missing_count;
    const uint64_t seed = report.first_seed + i;
    if (!report.missing.empty() && report.missing.back().second + 1 == seed) {
      report.missing.back().second = seed;
    } else {
      report.missing.emplace_back(seed, seed);
    }
  }
  const auto by_seed = [](const ScenarioRecord& a, const ScenarioRecord& b) {
    return a.seed < b.seed;
  };
  std::sort(report.failures.begin(), report.failures.end(), by_seed);
  std::sort(report.not_lives.begin(), report.not_lives.end(), by_seed);
  return report;
}

core::Result<FuzzReport, std::string> merge_fuzz_results(const std::vector<ReportInput>& inputs) {
  if (inputs.empty()) return core::Err{std::string("no files to merge")};
  FuzzMerger merger;
  for (const ReportInput& input : inputs) {
    if (std::string error = merger.add(input.name, *input.in); !error.empty()) {
      return core::Err{std::move(error)};
    }
  }
  return merger.finish();
}

std::string format_fuzz_report(const FuzzReport& r) {
  std::string out =
      "fuzz-report: " + r.strategy + ", seeds " + std::to_string(r.first_seed) + ".." +
      std::to_string(r.first_seed + static_cast<uint64_t>(r.campaign_runs) - 1) + " (" +
      std::to_string(r.campaign_runs) + " runs in " + std::to_string(r.shards) + " shards)\n";
  out += "runs " + std::to_string(r.runs) + ": " + std::to_string(r.passed) + " pass, " +
         std::to_string(r.failed) + " fail, " + std::to_string(r.not_live) + " not live\n";
  list_records(out, r.failures, true);
  list_records(out, r.not_lives, false);
  if (r.missing_count == 0 && r.duplicate_count == 0) {
    out += "coverage: every seed ran exactly once\n";
  }
  if (r.missing_count > 0) {
    out += "coverage: " + std::to_string(r.missing_count) +
           " seeds missing: " + seed_ranges(r.missing, r.missing_count) +
           (r.stopped_early ? " (a shard stopped at its first failure)" : "") + "\n";
  }
  if (r.duplicate_count > 0) {
    out += "coverage: " + std::to_string(r.duplicate_count) + " seeds ran more than once:";
    for (const std::string& duplicate : r.duplicates) out += " " + duplicate;
    out += "\n";
  }
  for (const std::string& name : r.unfinished) {
    out += "unfinished: " + name + " has no footer (its shard did not finish)\n";
  }
  char throughput[160];
  std::snprintf(throughput, sizeof throughput,
                "throughput: %.2f scenarios/s summed over %lld files (%.1f s of scenarios)\n",
                r.scenarios_per_s, static_cast<long long>(r.files), r.scenario_s);
  out += throughput;
  return out;
}

int fuzz_report_status(const FuzzReport& r) {
  return r.failed == 0 && r.missing_count == 0 && r.duplicate_count == 0 ? 0 : 1;
}

int run_fuzz_report(const std::vector<std::string>& files, std::ostream& out, std::ostream& err) {
  if (files.empty()) {
    err << "eddy-sim fuzz-report: name the shard files (eddy-sim fuzz --jsonl FILE)\n";
    return 2;
  }
  FuzzMerger merger;
  for (const std::string& file : files) {
    std::ifstream in(file);
    if (!in) {
      err << "eddy-sim fuzz-report: cannot read " << file << "\n";
      return 2;
    }
    if (const std::string error = merger.add(file, in); !error.empty()) {
      err << "eddy-sim fuzz-report: " << error << "\n";
      return 2;
    }
  }
  const FuzzReport report = merger.finish();
  out << format_fuzz_report(report);
  return fuzz_report_status(report);
}

}  // namespace eddy::sim
