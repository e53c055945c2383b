// The Jepsen etcd corpus (../shared/corpus/jepsen-etcd: 52 histories of one
// cas register, with the verdicts Porcupine's tests assert): every history
// parsed with parse_jepsen_log and checked with check_history under each
// reading of `:fail :cas` and of reading nil.
//
// Findings (README.md): all four readings - a failed cas dropped (Maelstrom,
// Knossos) or observed (Porcupine's etcd model), a nil read strict
// (Porcupine) or matching anything (Knossos) - reproduce verdicts.txt on all
// 52, with the same failing op; only the values before it can differ.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "checker/linearizability/history_check.h"
#include "checker/linearizability/jepsen_log.h"

namespace eddy::lin {
namespace {

const std::filesystem::path kCorpusDir = std::filesystem::path(EDDY_CORPUS_DIR) / "jepsen-etcd";

struct CorpusEntry {
  std::string name;  // "000"
  bool linearizable = false;
  std::vector<HistoryEvent> events;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Loads verdicts.txt and every log it names; fails the test if anything is
// missing or malformed.
std::vector<CorpusEntry> load_corpus() {
  std::vector<CorpusEntry> corpus;
  if (!std::filesystem::is_directory(kCorpusDir)) {
    ADD_FAILURE() << "the etcd corpus is missing: expected " << kCorpusDir
                  << " (CI keeps ../shared beside the repository)";
    return corpus;
  }
  std::istringstream verdicts(read_file(kCorpusDir / "verdicts.txt"));
  std::string name;
  std::string verdict;
  while (verdicts >> name >> verdict) {
    CorpusEntry entry{name, verdict == "linearizable", {}};
    const auto path = kCorpusDir / ("etcd_" + name + ".log");
    const auto events = parse_jepsen_log(read_file(path));
    if (!events.ok()) {
      ADD_FAILURE() << path << ":" << events.error().line << ": " << events.error().message;
      continue;
    }
    entry.events = events.value();
    corpus.push_back(std::move(entry));
  }
  return corpus;
}

const SearchLimits kLimits{10'000'000, {}};

// Each history's verdict under `semantics`, by name.
std::map<std::string, Verdict> verdicts_under(const std::vector<CorpusEntry>& corpus,
                                              const Semantics& semantics) {
  std::map<std::string, Verdict> verdicts;
  for (const CorpusEntry& entry : corpus) {
    const auto result = check_history(entry.events, kLimits, semantics);
    EXPECT_TRUE(result.ok()) << entry.name << ": event " << result.error().position << ": "
                             << result.error().message;
    if (result.ok()) verdicts[entry.name] = result.value().verdict;
  }
  return verdicts;
}

std::vector<std::string> disagreements(const std::vector<CorpusEntry>& corpus,
                                       const Semantics& semantics) {
  const auto verdicts = verdicts_under(corpus, semantics);
  std::vector<std::string> names;
  for (const CorpusEntry& entry : corpus) {
    const auto it = verdicts.find(entry.name);
    const Verdict expected =
        entry.linearizable ? Verdict::kLinearizable : Verdict::kNotLinearizable;
    if (it == verdicts.end() || it->second != expected) names.push_back(entry.name);
  }
  return names;
}

TEST(EtcdCorpus, AllHistoriesLoad) {
  const auto corpus = load_corpus();
  EXPECT_EQ(corpus.size(), 52U);
  int linearizable = 0;
  for (const auto& entry : corpus) linearizable += entry.linearizable ? 1 : 0;
  EXPECT_EQ(linearizable, 11);
}

// Every reading of the two contested observations reproduces verdicts.txt:
// in this corpus the violations are stale reads, which neither a failed cas
// nor a read of nil (there only before the first write) can explain.
TEST(EtcdCorpus, EverySemanticsReproducesTheVerdicts) {
  const auto corpus = load_corpus();
  ASSERT_EQ(corpus.size(), 52U);
  for (const bool observed : {false, true}) {
    for (const bool wildcard : {false, true}) {
      EXPECT_EQ(disagreements(corpus, Semantics{wildcard, observed}), std::vector<std::string>{})
          << "failed cas " << (observed ? "observed" : "dropped") << ", nil read "
          << (wildcard ? "matching anything" : "strict");
    }
  }
}

// The failure of the named history under `semantics`.
Failure failure_of(const std::vector<CorpusEntry>& corpus, const std::string& name,
                   const Semantics& semantics) {
  for (const CorpusEntry& entry : corpus) {
    if (entry.name != name) continue;
    const auto result = check_history(entry.events, kLimits, semantics);
    if (result.ok() && result.value().keys.at(0).result.failure)
      return *result.value().keys.at(0).result.failure;
  }
  ADD_FAILURE() << "no failure for " << name;
  return Failure{};
}

// etcd_000.log: process 11's read (event positions 84-85) returns 2, though
// process 0's write of 1 (73-74) completed after every write of 2 had, and
// nothing still pending writes 2: a stale read. Five ops overlap it: the
// pending writes of 4 and 0, and three unknown-outcome ops (a write of 1, a
// cas from 2 to 1, a write of 3), which with process 0's 1 give the values.
TEST(EtcdCorpus, StaleReadWindow) {
  const auto corpus = load_corpus();
  const Failure failure = failure_of(corpus, "000", Semantics{});
  EXPECT_EQ(failure.op_id, 84);
  EXPECT_EQ(failure.complete_time, 85);
  EXPECT_EQ(failure.concurrent.size(), 5U);
  EXPECT_EQ(failure.values_before, (std::vector<ValueId>{0, 1, 3, 4}));
  EXPECT_TRUE(failure.window_exact);
}

// etcd_066.log: the same failing read either way, but a failed cas [3 2]
// (events 68-69) observed that the register did not hold 3, which narrows
// what it could hold before the read.
TEST(EtcdCorpus, ObservedFailedCasNarrowsTheValues) {
  const auto corpus = load_corpus();
  const Failure dropped = failure_of(corpus, "066", Semantics{});
  const Failure observed = failure_of(corpus, "066", Semantics{false, true});
  EXPECT_EQ(dropped.op_id, 70);
  EXPECT_EQ(observed.op_id, 70);
  EXPECT_EQ(dropped.values_before, (std::vector<ValueId>{2, 3}));
  EXPECT_EQ(observed.values_before, (std::vector<ValueId>{2}));
}

}  // namespace
}  // namespace eddy::lin
