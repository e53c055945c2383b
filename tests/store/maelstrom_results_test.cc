// read_maelstrom_results and the store folder helpers: both real
// results.edn files give their verdicts and :stats; :unknown and invalid
// verdicts read; bad results are refused; store folders are recognised and
// missing files named.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "checker/maelstrom_store.h"
#include "store_test_support.h"

namespace eddy::checker {
namespace {

using testing::corpus_store;
using testing::testdata;

core::Result<MaelstromResults, std::string> results_of(std::string_view text) {
  std::istringstream in{std::string(text)};
  return read_maelstrom_results(in);
}

TEST(MaelstromResults, RealKafkaResults) {
  const auto store = corpus_store("kafka-1node");
  ASSERT_FALSE(HasFailure());
  auto in = open_maelstrom_results(store);
  ASSERT_TRUE(in.ok()) << in.error();
  const auto results = read_maelstrom_results(in.value());
  ASSERT_TRUE(results.ok()) << results.error();
  EXPECT_EQ(results.value().valid, Validity::kValid);
  EXPECT_EQ(results.value().workload_valid, Validity::kValid);
  EXPECT_EQ(results.value().stats, (MaelstromCounts{970, 967, 0, 3}));
  EXPECT_EQ(results.value().stats_by_f.size(), 4u);
  EXPECT_EQ(results.value().stats_by_f.at("crash"), (MaelstromCounts{3, 0, 0, 3}));
  EXPECT_EQ(results.value().stats_by_f.at("assign"), (MaelstromCounts{24, 24, 0, 0}));
}

TEST(MaelstromResults, RealLinKvResultsWithKnossosRecords) {
  const auto store = corpus_store("lin-kv-3nodes-partitions");
  ASSERT_FALSE(HasFailure());
  auto in = open_maelstrom_results(store);
  ASSERT_TRUE(in.ok()) << in.error();
  const auto results = read_maelstrom_results(in.value());
  ASSERT_TRUE(results.ok()) << results.error();
  EXPECT_EQ(results.value().valid, Validity::kValid);
  EXPECT_EQ(results.value().workload_valid, Validity::kValid);
  EXPECT_EQ(results.value().stats, (MaelstromCounts{478, 339, 139, 0}));
  EXPECT_EQ(results.value().stats_by_f.at("cas"), (MaelstromCounts{171, 36, 135, 0}));
}

TEST(MaelstromResults, InvalidAndUnknownVerdicts) {
  auto results = results_of("{:workload {:valid? :unknown, :error \"threw\"}, :valid? :unknown}");
  ASSERT_TRUE(results.ok()) << results.error();
  EXPECT_EQ(results.value().valid, Validity::kUnknown);
  EXPECT_EQ(results.value().workload_valid, Validity::kUnknown);
  EXPECT_FALSE(results.value().stats);
  results = results_of(
      "{:stats {:valid? false, :count 2, :ok-count 0, :fail-count 0, :info-count 2,\n"
      "         :by-f {:send {:count 2, :ok-count 0, :fail-count 0, :info-count 2}}},\n"
      " :workload {:valid? false, :anomalies {:lost-write [#object[Thread 0x1 \"t\"]]}},\n"
      " :valid? false}");
  ASSERT_TRUE(results.ok()) << results.error();
  EXPECT_EQ(results.value().valid, Validity::kInvalid);
  EXPECT_EQ(results.value().workload_valid, Validity::kInvalid);
  EXPECT_EQ(results.value().stats, (MaelstromCounts{2, 0, 0, 2}));
  EXPECT_EQ(results.value().stats_by_f.at("send"), (MaelstromCounts{2, 0, 0, 2}));
  results = results_of("{:valid? true}");
  ASSERT_TRUE(results.ok());
  EXPECT_FALSE(results.value().workload_valid);
}

TEST(MaelstromResults, BadResultsAreRefused) {
  EXPECT_EQ(results_of("").error(), "results.edn is empty");
  EXPECT_EQ(results_of("[:valid? true]").error(),
            "line 1, column 1: results.edn must hold a map, found vector [:valid? true]");
  EXPECT_EQ(results_of("{:workload {}}").error(),
            "line 1, column 1: results.edn has no top-level :valid?");
  EXPECT_EQ(results_of("{:valid? \"yes\"}").error(),
            "line 1, column 10: :valid? must be true, false or :unknown, found string \"yes\"");
  EXPECT_EQ(results_of("{:valid? true, :stats {:count 1.5}}").error(),
            "line 1, column 31: :stats :count must be an integer, found float 1.5");
  EXPECT_EQ(results_of("{:valid? true, :stats {:count 1").error(),
            "line 1, column 32: unexpected end of input: expected '}' to close the '{' at line 1, "
            "column 23");
}

TEST(MaelstromStore, FoldersAreRecognisedAndMissingFilesNamed) {
  EXPECT_TRUE(is_maelstrom_store(testdata("kafka-valid")));
  EXPECT_FALSE(is_maelstrom_store(testdata("malformed")));                    // no history.edn
  EXPECT_FALSE(is_maelstrom_store(testdata("kafka-valid") / "history.edn"));  // a file
  EXPECT_FALSE(is_maelstrom_store(testdata("no-such-folder")));
  const auto results = open_maelstrom_results(testdata("kafka-valid"));
  ASSERT_FALSE(results.ok());
  EXPECT_NE(results.error().find("kafka-valid/results.edn: no such file"), std::string::npos)
      << results.error();
  const auto history = open_maelstrom_history(testdata("no-such-folder"));
  ASSERT_FALSE(history.ok());
  EXPECT_NE(history.error().find("no-such-folder/history.edn"), std::string::npos);
  EXPECT_TRUE(open_maelstrom_history(testdata("kafka-valid")).ok());
}

}  // namespace
}  // namespace eddy::checker
