// The fuzz campaign (sim/fuzz_campaign.h) in this process: the same seeds
// give the same output and histories for any --jobs, a worker that aborts
// costs its seed only, shards cover every seed once; and its pieces, the
// reorder buffer (sim/reorder_buffer.h) and fuzz-report's merge
// (sim/fuzz_report.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/fuzz_campaign.h"
#include "sim/fuzz_report.h"
#include "sim/reorder_buffer.h"
#include "tests/broken/broken_abort.h"
#include "tests/broken/broken_variants.h"

namespace eddy::sim {
namespace {

std::string contents(FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  char chunk[4096];
  for (size_t n; (n = std::fread(chunk, 1, sizeof chunk, file)) > 0;) text.append(chunk, n);
  return text;
}

struct CampaignOutput {
  std::string text;   // what eddy-sim fuzz prints on stdout
  std::string jsonl;  // its --jsonl
  CampaignTotals totals;
};

CampaignOutput run(CampaignOptions options) {
  FILE* text = std::tmpfile();
  FILE* jsonl = std::tmpfile();
  options.text = text;
  options.jsonl = jsonl;
  options.progress = nullptr;
  auto totals = run_campaign(options);
  EXPECT_TRUE(totals.ok()) << (totals.ok() ? "" : totals.error());
  CampaignOutput out{contents(text), contents(jsonl),
                     totals.ok() ? totals.value() : CampaignTotals{}};
  std::fclose(text);
  std::fclose(jsonl);
  return out;
}

// Seed -> history hash, and the seeds in the order the file has them.
std::map<uint64_t, std::string> history_hashes(const std::string& jsonl,
                                               std::vector<uint64_t>* order = nullptr) {
  std::map<uint64_t, std::string> hashes;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json json = nlohmann::json::parse(line);
    if (json["type"] != "scenario") continue;
    auto record = record_from_json(json);
    EXPECT_TRUE(record.ok()) << line;
    if (!record) continue;
    hashes[record.value().seed] = record.value().history_hash;
    if (order) order->push_back(record.value().seed);
  }
  return hashes;
}

class FuzzCampaign : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { broken::register_broken_variants(); }
};

TEST_F(FuzzCampaign, ParallelRunsPrintTheSerialRunsOutputAndHistories) {
  for (const char* strategy : {"gossip", "raft"}) {
    CampaignOptions options;
    options.strategy = strategy;
    options.runs = 8;
    options.seed = 40;
    options.jobs = 1;
    const CampaignOutput serial = run(options);
    std::vector<uint64_t> order;
    const auto serial_hashes = history_hashes(serial.jsonl, &order);
    ASSERT_EQ(serial_hashes.size(), 8U) << strategy;
    EXPECT_EQ(order, (std::vector<uint64_t>{40, 41, 42, 43, 44, 45, 46, 47}));
    EXPECT_NE(serial.text.find("fuzz " + std::string(strategy) + ": 8 runs from seed 40"),
              std::string::npos)
        << serial.text;
    for (const int jobs : {2, 3}) {
      options.jobs = jobs;
      const CampaignOutput parallel = run(options);
      EXPECT_EQ(parallel.text, serial.text) << strategy << " with " << jobs << " jobs";
      std::vector<uint64_t> parallel_order;
      EXPECT_EQ(history_hashes(parallel.jsonl, &parallel_order), serial_hashes)
          << strategy << " with " << jobs << " jobs";
      EXPECT_EQ(parallel_order, order);
    }
  }
}

TEST_F(FuzzCampaign, TheHistoryHashIsTheRunsOwn) {
  // Different seeds, different histories; the same seed, the same one.
  EXPECT_EQ(run_scenario("gossip", 3).history_hash, run_scenario("gossip", 3).history_hash);
  EXPECT_NE(run_scenario("gossip", 3).history_hash, run_scenario("gossip", 4).history_hash);
  EXPECT_NE(run_scenario("raft", 4).history_hash, run_scenario("raft", 6).history_hash);
}

TEST_F(FuzzCampaign, AnAbortingScenarioIsAFailWithItsStderrLineAndTheCampaignGoesOn) {
  CampaignOptions options;
  options.strategy = broken::kAbortVariant;
  options.runs = 10;
  options.jobs = 1;
  const CampaignOutput serial = run(options);
  // Every seed reported, some failed by their worker's death, some passed.
  EXPECT_EQ(serial.totals.runs, 10);
  EXPECT_GT(serial.totals.failed, 0);
  EXPECT_LT(serial.totals.failed, 10);
  EXPECT_EQ(serial.totals.workers_died, serial.totals.failed);
  EXPECT_NE(serial.text.find("worker died: killed by signal 6"), std::string::npos) << serial.text;
  EXPECT_NE(serial.text.find("last stderr line: broken:abort: node aborts on its first request"),
            std::string::npos)
      << serial.text;
  EXPECT_NE(serial.text.find("replay: eddy-sim test -w kafka --strategy broken:abort"),
            std::string::npos);
  options.jobs = 3;
  EXPECT_EQ(run(options).text, serial.text);
}

// The timeout is far below a hang (forever) and far above a gossip scenario
// of these seeds (milliseconds): the verdicts do not depend on the machine.
TEST_F(FuzzCampaign, AHungScenarioIsKilledAtTheScenarioTimeoutAndIsAFail) {
  CampaignOptions options;
  options.strategy = broken::kHangVariant;
  options.runs = 4;
  options.jobs = 2;
  options.scenario_timeout_s = 1;
  const CampaignOutput out = run(options);
  EXPECT_EQ(out.totals.runs, 4);
  EXPECT_GT(out.totals.failed, 0);
  EXPECT_LT(out.totals.failed, 4);
  EXPECT_NE(out.text.find("worker killed: the scenario ran over --scenario-timeout (1 s"),
            std::string::npos)
      << out.text;
}

TEST_F(FuzzCampaign, StopAtFirstStopsAtTheFirstFailureInSeedOrderForAnyJobs) {
  CampaignOptions options;
  options.strategy = broken::kAbortVariant;
  options.runs = 10;
  options.keep_going = false;
  options.jobs = 1;
  const CampaignOutput serial = run(options);
  EXPECT_EQ(serial.totals.failed, 1);
  EXPECT_LT(serial.totals.runs, 10);
  options.jobs = 3;
  EXPECT_EQ(run(options).text, serial.text);
}

TEST_F(FuzzCampaign, BadOptionsAreErrors) {
  CampaignOptions options;
  options.progress = nullptr;
  options.strategy = "no-such-strategy";
  EXPECT_FALSE(run_campaign(options).ok());
  options.strategy = "gossip";
  options.jobs = 0;
  EXPECT_FALSE(run_campaign(options).ok());
}

TEST(FuzzShard, EverySeedIsInExactlyOneShardForAnyCount) {
  for (const int64_t runs : {1, 7, 20}) {
    for (int64_t count = 1; count <= runs + 5; ++count) {
      std::map<uint64_t, int> times;
      for (int64_t index = 0; index < count; ++index) {
        const std::vector<uint64_t> seeds = shard_seeds(100, runs, Shard{index, count});
        EXPECT_TRUE(std::is_sorted(seeds.begin(), seeds.end()));
        for (const uint64_t seed : seeds) ++times[seed];
      }
      ASSERT_EQ(times.size(), static_cast<size_t>(runs)) << runs << " runs, " << count;
      EXPECT_EQ(times.begin()->first, 100U);
      EXPECT_EQ(times.rbegin()->first, 100U + static_cast<uint64_t>(runs) - 1);
      for (const auto& [seed, n] : times) EXPECT_EQ(n, 1) << "seed " << seed;
    }
  }
  EXPECT_TRUE(shard_seeds(1, 3, Shard{4, 6}).empty());  // past the run count: empty
}

TEST(FuzzShard, ParsesKOfNAndRejectsTheRest) {
  auto shard = parse_shard("2/5");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard.value().index, 2);
  EXPECT_EQ(shard.value().count, 5);
  for (const char* bad : {"5/5", "-1/5", "1/0", "1", "a/2", "1/2x", "", "/", "1/2000000"}) {
    EXPECT_FALSE(parse_shard(bad).ok()) << bad;
  }
  ::setenv("JOB_COMPLETION_INDEX", "3", 1);
  ASSERT_TRUE(shard_from_environment(4).ok());
  EXPECT_EQ(shard_from_environment(4).value().index, 3);
  EXPECT_FALSE(shard_from_environment(3).ok());  // index past the count
  ::unsetenv("JOB_COMPLETION_INDEX");
  EXPECT_FALSE(shard_from_environment(4).ok());
}

TEST(ReorderBuffer, HandsItemsBackInPositionOrder) {
  ReorderBuffer<std::string> buffer;
  EXPECT_FALSE(buffer.take());
  EXPECT_TRUE(buffer.put(2, "c"));
  EXPECT_TRUE(buffer.put(1, "b"));
  EXPECT_FALSE(buffer.take());  // 0 is not there yet
  EXPECT_EQ(buffer.waiting(), 2U);
  EXPECT_TRUE(buffer.put(0, "a"));
  EXPECT_EQ(buffer.take(), "a");
  EXPECT_EQ(buffer.take(), "b");
  EXPECT_EQ(buffer.take(), "c");
  EXPECT_FALSE(buffer.take());
  EXPECT_EQ(buffer.next(), 3U);
  EXPECT_EQ(buffer.waiting(), 0U);
}

TEST(ReorderBuffer, RejectsAPositionPutTwiceOrAlreadyTaken) {
  ReorderBuffer<int> buffer;
  EXPECT_TRUE(buffer.put(0, 10));
  EXPECT_TRUE(buffer.put(1, 11));
  EXPECT_FALSE(buffer.put(1, 12));
  EXPECT_EQ(buffer.take(), 10);
  EXPECT_FALSE(buffer.put(0, 13));
  EXPECT_EQ(buffer.take(), 11);
}

// A shard file made by hand: header, records for `seeds` (verdicts from
// `verdicts`, pass when absent), footer.
std::string shard_file(int64_t shard, int64_t shards, const std::vector<uint64_t>& seeds,
                       const std::map<uint64_t, std::string>& verdicts = {}, bool footer = true) {
  std::string text = nlohmann::json{{"type", "header"}, {"strategy", "gossip"}, {"seed", 1},
                                    {"runs", 6},        {"shard", shard},       {"shards", shards}}
                         .dump() +
                     "\n";
  for (const uint64_t seed : seeds) {
    ScenarioRecord r;
    r.seed = seed;
    r.verdict = verdicts.contains(seed) ? verdicts.at(seed) : "pass";
    if (r.verdict == "fail") r.safety = "anomalies: lost-write";
    if (r.verdict == "not-live") r.liveness = "not live: send: no ok";
    r.replay = "eddy-sim test --seed " + std::to_string(seed);
    r.elapsed_s = 0.5;
    text += to_json(r).dump() + "\n";
  }
  if (footer) {
    text += nlohmann::json{{"type", "footer"}, {"runs", seeds.size()}, {"scenarios_per_s", 2.0}}
                .dump() +
            "\n";
  }
  return text;
}

core::Result<FuzzReport, std::string> merge(const std::vector<std::string>& files) {
  std::vector<std::istringstream> streams;
  streams.reserve(files.size());
  std::vector<ReportInput> inputs;
  for (size_t i = 0; i < files.size(); ++i) {
    streams.emplace_back(files[i]);
    inputs.push_back({"shard-" + std::to_string(i) + ".jsonl", &streams.back()});
  }
  return merge_fuzz_results(inputs);
}

TEST(FuzzReport, MergesShardsIntoCountsFailuresAndThroughput) {
  const auto report = merge(
      {shard_file(0, 2, {1, 3, 5}, {{5, "fail"}}), shard_file(1, 2, {2, 4, 6}, {{2, "not-live"}})});
  ASSERT_TRUE(report.ok()) << report.error();
  const FuzzReport& r = report.value();
  EXPECT_EQ(r.runs, 6);
  EXPECT_EQ(r.passed, 4);
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.not_live, 1);
  EXPECT_EQ(r.missing_count, 0);
  EXPECT_EQ(r.duplicate_count, 0);
  EXPECT_DOUBLE_EQ(r.scenarios_per_s, 4.0);
  EXPECT_EQ(fuzz_report_status(r), 1);
  const std::string text = format_fuzz_report(r);
  EXPECT_NE(text.find("runs 6: 4 pass, 1 fail, 1 not live"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL seed 5: anomalies: lost-write\n  replay: eddy-sim test --seed 5"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("not live seed 2"), std::string::npos) << text;
  EXPECT_NE(text.find("every seed ran exactly once"), std::string::npos) << text;
  EXPECT_NE(text.find("throughput: 4.00 scenarios/s summed over 2 files"), std::string::npos);
  const auto passing = merge({shard_file(0, 2, {1, 3, 5}), shard_file(1, 2, {2, 4, 6})});
  ASSERT_TRUE(passing.ok());
  EXPECT_EQ(fuzz_report_status(passing.value()), 0);
}

TEST(FuzzReport, SaysWhichSeedsAreMissingOrRanTwice) {
  const auto report =
      merge({shard_file(0, 3, {1, 4}), shard_file(0, 3, {1, 4}, {}, false), shard_file(2, 3, {3})});
  ASSERT_TRUE(report.ok()) << report.error();
  const FuzzReport& r = report.value();
  EXPECT_EQ(r.missing_count, 3);  // shard 1: 2 and 5; and 6 of shard 2
  EXPECT_EQ(r.duplicate_count, 2);
  EXPECT_EQ(fuzz_report_status(r), 1);
  const std::string text = format_fuzz_report(r);
  EXPECT_NE(text.find("coverage: 3 seeds missing: 2, 5..6"), std::string::npos) << text;
  EXPECT_NE(text.find("seed 1 (again at shard-1.jsonl:2)"), std::string::npos) << text;
  EXPECT_NE(text.find("unfinished: shard-1.jsonl has no footer"), std::string::npos) << text;
}

TEST(FuzzReport, MalformedInputNamesTheFileAndLine) {
  const std::string good = shard_file(0, 1, {1, 2, 3, 4, 5, 6});
  const std::string header = good.substr(0, good.find('\n') + 1);
  const std::vector<std::pair<std::string, std::string>> cases{
      {header + "not json\n", "shard-0.jsonl:2: not JSON"},
      {header + "{\"type\":\"scenario\",\"seed\":1}\n", "shard-0.jsonl:2: \"verdict\" missing"},
      {header + "{\"type\":\"other\"}\n", "shard-0.jsonl:2: \"type\" must be"},
      {"{\"type\":\"scenario\"}\n", "shard-0.jsonl:1: the first line must be"},
      {"", "shard-0.jsonl:1: empty"},
      {good + "{}\n", "shard-0.jsonl:9: a line after the footer"},
      {header + "{\"type\":\"footer\",\"runs\":2,\"scenarios_per_s\":1}\n",
       "shard-0.jsonl:2: the footer counts 2 runs, the file has 0"},
      {header + R"({"type":"scenario","seed":99,"verdict":"pass","safety":"","liveness":"",)"
                R"("anomalies":"","scenario":"","history_hash":"","replay":"","ops":0,)"
                R"("elapsed_s":0})"
                "\n",
       "shard-0.jsonl:2: seed 99 is not in the campaign (seeds 1..6)"},
      {header + R"({"type":"scenario","seed":1,"verdict":"maybe","safety":"","liveness":"",)"
                R"("anomalies":"","scenario":"","history_hash":"","replay":"","ops":0,)"
                R"("elapsed_s":0})"
                "\n",
       "shard-0.jsonl:2: \"verdict\" must be pass, fail or not-live"},
  };
  for (const auto& [text, error] : cases) {
    const auto report = merge({text});
    ASSERT_FALSE(report.ok()) << text;
    EXPECT_EQ(report.error().rfind(error, 0), 0U) << report.error();
  }
  // Another campaign's shard does not merge.
  std::string other = shard_file(1, 2, {2});
  other.replace(other.find("\"gossip\""), 8, "\"raft\"");
  const auto mixed = merge({shard_file(0, 2, {1}), other});
  ASSERT_FALSE(mixed.ok());
  EXPECT_NE(mixed.error().find("shard-1.jsonl:1: another campaign"), std::string::npos);
}

}  // namespace
}  // namespace eddy::sim
