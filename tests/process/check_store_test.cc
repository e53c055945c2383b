// `eddy-sim check` on Maelstrom stores, as a user who ran real Maelstrom runs
// it: the two real stores beside the repository get Maelstrom's own verdict,
// and each history of the Jepsen etcd corpus, written as a Maelstrom lin-kv
// store (history.edn, key 0), gets the corpus's verdict through
// `eddy-sim check -w lin-kv --workload-only`, one process per history.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "node_process.h"

namespace eddy::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = EDDY_CORPUS_DIR;

// Runs eddy-sim with `args`; returns its exit status and stdout.
std::pair<int, std::string> run_eddy_sim(std::vector<std::string> args) {
  args.insert(args.begin(), EDDY_SIM_BIN);
  NodeProcess process(EDDY_SIM_BIN, {args.begin() + 1, args.end()});
  std::string out;
  while (auto line = process.read_line(NodeProcess::Ms(20'000))) out += *line + "\n";
  const NodeProcess::Exit exit = process.finish();
  EXPECT_TRUE(exit.exited) << exit.describe();
  return {exit.code, out};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CheckStore, RealMaelstromStoresGetMaelstromsVerdict) {
  ASSERT_TRUE(fs::is_directory(kCorpus / "maelstrom-stores"))
      << "the corpus is expected beside the repository: " << kCorpus;
  // --no-report: the corpus is shared, and read-only to tests.
  const auto [kafka_code, kafka_out] = run_eddy_sim(
      {"check", "-w", "kafka", "--no-report", kCorpus / "maelstrom-stores/kafka-1node"});
  EXPECT_EQ(kafka_code, 0) << kafka_out;
  EXPECT_NE(kafka_out.find("970 client invocations"), std::string::npos) << kafka_out;
  const auto [linkv_code, linkv_out] =
      run_eddy_sim({"check", "-w", "lin-kv", "--no-report",
                    kCorpus / "maelstrom-stores/lin-kv-3nodes-partitions"});
  EXPECT_EQ(linkv_code, 0) << linkv_out;
  // Maelstrom's results.edn: 478 ops, availability 0.70920503.
  EXPECT_NE(linkv_out.find("478 client invocations"), std::string::npos) << linkv_out;
  EXPECT_NE(linkv_out.find("availability: 0.709205"), std::string::npos) << linkv_out;
  // The wrong workload's checker refuses the history instead of guessing.
  const auto [wrong_code, wrong_out] =
      run_eddy_sim({"check", "-w", "kafka", "--no-report",
                    kCorpus / "maelstrom-stores/lin-kv-3nodes-partitions"});
  EXPECT_EQ(wrong_code, 2) << wrong_out;
}

// One Jepsen etcd log line ("INFO  jepsen.util - 3\t:ok\t:cas\t[1 2]") as
// Jepsen would have written it to history.edn for key 0 of a lin-kv test.
std::string edn_line(const std::string& log_line, int64_t index) {
  std::istringstream fields(log_line);
  std::string info, source, dash, process, type, f;
  fields >> info >> source >> dash >> process >> type >> f;
  std::string value;
  std::getline(fields, value);
  value.erase(0, value.find_first_not_of(" \t"));
  if (source != "jepsen.util" || process.empty() || !std::isdigit(process[0])) return "";
  std::string tuple = "[0 " + value + "]";  // independent's [k v]; `:timed-out` as it is
  return "{:index " + std::to_string(index) + ", :time " + std::to_string(index * 1000) +
         ", :type " + type + ", :process " + process + ", :f " + f + ", :value " + tuple +
         (type == ":info" ? ", :error :timed-out" : "") + "}\n";
}

TEST(CheckStore, EtcdCorpusAsMaelstromStoresGetsTheCorpusVerdicts) {
  const fs::path etcd = kCorpus / "jepsen-etcd";
  ASSERT_TRUE(fs::is_regular_file(etcd / "verdicts.txt"))
      << "the corpus is expected beside the repository: " << etcd;
  const fs::path stores =
      fs::temp_directory_path() / ("eddy-etcd-stores-" + std::to_string(getpid()));
  std::istringstream verdicts(read_file(etcd / "verdicts.txt"));
  int checked = 0;
  for (std::string number, verdict; verdicts >> number >> verdict;) {
    const fs::path store = stores / ("etcd_" + number) / "20260101T000000.000Z";
    fs::create_directories(store);
    std::istringstream log(read_file(etcd / ("etcd_" + number + ".log")));
    std::ofstream edn(store / "history.edn");
    int64_t index = 0;
    for (std::string line; std::getline(log, line);) {
      const std::string op = edn_line(line, index);
      if (!op.empty()) ++index;
      edn << op;
    }
    edn.close();
    const auto [code, out] = run_eddy_sim({"check", "-w", "lin-kv", "--workload-only", store});
    EXPECT_EQ(code, verdict == "linearizable" ? 0 : 1) << "etcd_" << number << "\n" << out;
    ++checked;
  }
  EXPECT_EQ(checked, 52);
  fs::remove_all(stores);
}

}  // namespace
}  // namespace eddy::testing
