// read_maelstrom_kafka_history: the real kafka store imports with the counts
// of its results.edn and Eddy's checker agrees with Maelstrom's verdict;
// hand-written stores are judged valid and invalid as they should be; a
// synthetic history survives the trip through Jepsen's EDN shape; every
// field converts as docs/history-format.md says; malformed ops are refused
// with the line, the column and the field.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "checker/kafka_checker.h"
#include "checker/maelstrom_store.h"
#include "checker/synthetic_history.h"
#include "jepsen_edn_writer.h"
#include "store_test_support.h"

namespace eddy::checker {
namespace {

using testing::completion_counts;
using testing::corpus_store;
using testing::testdata;

History imported(std::string_view text) {
  std::istringstream in{std::string(text)};
  auto history = read_maelstrom_kafka_history(in);
  EXPECT_TRUE(history.ok()) << (history.ok() ? "" : history.error());
  if (!history.ok()) return {};
  return std::move(history).value();
}

std::string refusal(std::string_view text) {
  std::istringstream in{std::string(text)};
  auto history = read_maelstrom_kafka_history(in);
  EXPECT_FALSE(history.ok()) << text;
  return history.ok() ? "" : history.error();
}

History imported_store(const std::filesystem::path& store) {
  auto in = open_maelstrom_history(store);
  EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error());
  if (!in.ok()) return {};
  auto history = read_maelstrom_kafka_history(in.value());
  EXPECT_TRUE(history.ok()) << store << ": " << (history.ok() ? "" : history.error());
  if (!history.ok()) return {};
  return std::move(history).value();
}

TEST(MaelstromKafka, RealStoreMatchesItsResults) {
  const auto store = corpus_store("kafka-1node");
  ASSERT_FALSE(HasFailure());
  ASSERT_TRUE(is_maelstrom_store(store));
  const History history = imported_store(store);
  ASSERT_EQ(history.size(), 1940u);

  auto results_in = open_maelstrom_results(store);
  ASSERT_TRUE(results_in.ok()) << results_in.error();
  const auto results = read_maelstrom_results(results_in.value());
  ASSERT_TRUE(results.ok()) << results.error();
  ASSERT_TRUE(results.value().stats);
  const auto counts = completion_counts(history);
  EXPECT_EQ(counts.all, *results.value().stats);
  EXPECT_EQ(counts.all, (MaelstromCounts{970, 967, 0, 3}));
  EXPECT_EQ(counts.by_f, results.value().stats_by_f);
  EXPECT_EQ(counts.by_f.at("send"), (MaelstromCounts{482, 482, 0, 0}));

  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, results.value().valid) << format_report(result);
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
  EXPECT_EQ(result.by_f.at("poll").ok, 461);
  EXPECT_EQ(result.by_f.at("crash").info, 3);
}

TEST(MaelstromKafka, RealStoreOpsConvertFieldByField) {
  const auto store = corpus_store("kafka-1node");
  ASSERT_FALSE(HasFailure());
  const History history = imported_store(store);
  ASSERT_EQ(history.size(), 1940u);
  for (size_t i = 0; i < history.size(); ++i) {
    ASSERT_EQ(history[i].index, static_cast<int64_t>(i));
    EXPECT_FALSE(history[i].committed);
  }
  // {:index 0, :time 18405887, :type :invoke, :process 0, :f :send, :value [[:send "8" 1]]}
  EXPECT_EQ(history[0].time_us, 18405);
  EXPECT_EQ(history[0].f, OpF::kSend);
  EXPECT_EQ(history[0].type, OpType::kInvoke);
  EXPECT_EQ(history[0].key, "8");
  EXPECT_EQ(history[0].value, 1);
  EXPECT_FALSE(history[0].offset);
  // {:index 3, ... :type :ok, :process 0, :f :send, :value [[:send "8" [0 1]]]}
  EXPECT_EQ(history[3].offset, 0);
  EXPECT_EQ(history[3].value, 1);
  EXPECT_EQ(history[2].f, OpF::kCrash);
  EXPECT_EQ(history[2].type, OpType::kInfo);
  // An assign with a debug :unseen map, which is ignored.
  EXPECT_EQ(history[274].f, OpF::kAssign);
  EXPECT_EQ(history[274].keys,
            (std::vector<std::string>{"7", "4", "6", "3", "11", "9", "5", "10", "8"}));
  EXPECT_FALSE(history[274].seek_to_beginning);
  // The final phase: seek-to-beginning assigns and :poll-ms polls.
  EXPECT_TRUE(history[1932].seek_to_beginning);
  EXPECT_EQ(history[1932].keys.size(), 34u);
  const Op& final_poll = history[1938];
  ASSERT_EQ(final_poll.polled.size(), 34u);
  EXPECT_EQ(final_poll.polled[0].key, "9");  // the order written, not sorted
  EXPECT_EQ(final_poll.polled[1].key, "3");
  EXPECT_EQ(final_poll.polled[0].records.size(), 16u);
  EXPECT_EQ(final_poll.polled[0].records[15], (PolledRecord{15, 16}));
  EXPECT_EQ(final_poll.time_us, 20027857);
}

TEST(MaelstromKafka, HandWrittenValidStore) {
  const auto store = testdata("kafka-valid");
  ASSERT_TRUE(is_maelstrom_store(store));
  const History history = imported_store(store);
  ASSERT_EQ(history.size(), 26u);
  EXPECT_EQ(history[4].process, kNemesisProcess);
  EXPECT_EQ(history[4].f, OpF::kNemesis);
  EXPECT_EQ(history[4].type, OpType::kInfo);
  EXPECT_EQ(history[4].nemesis, "start-partition :majority");
  EXPECT_EQ(history[5].nemesis, R"(start-partition [:isolated {"n0" #{"n1" "n2"}}])");
  EXPECT_EQ(history[12].nemesis, "stop-partition nil");
  EXPECT_EQ(history[13].nemesis, "stop-partition :network-healed");
  // Keys with [] are kept.
  ASSERT_EQ(history[9].polled.size(), 2u);
  EXPECT_EQ(history[9].polled[1], (PolledKey{"2", {}}));
  // An info send keeps its message and the error text, and has no offset.
  EXPECT_EQ(history[11].type, OpType::kInfo);
  EXPECT_EQ(history[11].key, "1");
  EXPECT_EQ(history[11].value, 2);
  EXPECT_FALSE(history[11].offset);
  EXPECT_EQ(history[11].error, "indeterminate: Read timed out");
  EXPECT_EQ(history[25].polled[0].key, "2");
  EXPECT_EQ(history[25].polled[1].key, "1");
  EXPECT_TRUE(history[18].seek_to_beginning);

  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
}

TEST(MaelstromKafka, HandWrittenPollSkipIsInvalid) {
  const History history = imported_store(testdata("kafka-poll-skip"));
  ASSERT_EQ(history.size(), 18u);
  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kInvalid) << format_report(result);
  EXPECT_TRUE(result.anomalies.count(std::string(anomaly::kPollSkip))) << format_report(result);
}

TEST(MaelstromKafka, SyntheticHistorySurvivesJepsenShape) {
  SyntheticOptions options;
  options.seed = 7;
  options.completed_ops = 5'000;
  options.nemesis_every = 500;
  const History original = make_synthetic_history(options);
  const History history = imported(testing::to_jepsen_edn(original));
  ASSERT_EQ(history.size(), original.size());
  for (size_t i = 0; i < history.size(); ++i) {
    ASSERT_EQ(history[i], testing::as_imported(original[i])) << "op " << i;
  }
  EXPECT_EQ(check_kafka(history).validity, Validity::kValid);
}

TEST(MaelstromKafka, FieldsConvert) {
  const History history = imported(
      // No :index, no :time: positions and the previous time are used.
      "{:type :invoke, :process 0, :f :send, :value [[:send 17 \"text\"]]}\n"
      "{:index 9, :time 5999, :type :ok, :process 0, :f :send, :value [[:send 17 [3 \"text\"]]],"
      " :extra {:anything [1 2]}}\n"
      "{:type :invoke, :process 1, :f :poll, :value [[:poll]]}\n"
      "{:time 8000, :type :ok, :process 1, :f :poll, :value [[:poll {17 [[3 {:x 1}]], \"b\" "
      "nil}]]}\n"
      // A completion without a :value takes the invocation's arguments.
      "#jepsen.history.Op{:time 9000, :type :invoke, :process 2, :f :assign, :value [\"a\" 4],"
      " :seek-to-beginning? false}\n"
      "{:time 9500, :type :info, :process 2, :f :assign, :error [:timeout \"no reply\"]}\n"
      "{:time 9600, :type :invoke, :process 3, :f :send, :value [[:send \"k\" 5]]}\n"
      "{:time 9700, :type :info, :process 3, :f :send, :value nil, :error :net-timeout}\n");
  ASSERT_EQ(history.size(), 8u);
  EXPECT_EQ(history[0].index, 0);
  EXPECT_EQ(history[0].time_us, 0);
  EXPECT_EQ(history[0].key, "17");  // integer keys become strings, as StringKeys makes them
  EXPECT_EQ(history[0].value, kNonIntegerValue);
  EXPECT_EQ(history[1].index, 1);  // the position, not :index
  EXPECT_EQ(history[1].time_us, 5);
  EXPECT_EQ(history[1].offset, 3);
  EXPECT_EQ(history[2].time_us, 5);  // the previous op's time
  ASSERT_EQ(history[3].polled.size(), 2u);
  EXPECT_EQ(history[3].polled[0], (PolledKey{"17", {{3, kNonIntegerValue}}}));
  EXPECT_EQ(history[3].polled[1], (PolledKey{"b", {}}));
  EXPECT_EQ(history[4].keys, (std::vector<std::string>{"a", "4"}));
  EXPECT_FALSE(history[4].seek_to_beginning);
  EXPECT_EQ(history[5].keys, history[4].keys);
  EXPECT_EQ(history[5].error, "timeout: no reply");
  EXPECT_EQ(history[7].key, "k");
  EXPECT_EQ(history[7].value, 5);
  EXPECT_EQ(history[7].error, "net-timeout");
}

TEST(MaelstromKafka, MalformedStoresAreRefusedWithLineColumnAndField) {
  const auto refused = [](const std::string& file) {
    std::ifstream in(testdata("malformed") / file);
    EXPECT_TRUE(in) << file;
    auto history = read_maelstrom_kafka_history(in);
    EXPECT_FALSE(history.ok()) << file;
    return history.ok() ? std::string() : history.error();
  };
  EXPECT_EQ(refused("not-a-map.edn"),
            "line 3, column 1: an op must be a map, found vector [:index 1 :time 2000 :type :ok "
            ":process 0 :f :send]");
  EXPECT_EQ(refused("missing-type.edn"), "line 3, column 1: the op has no :type");
  EXPECT_EQ(refused("missing-f.edn"), "line 3, column 1: the op has no :f");
  EXPECT_EQ(refused("unknown-type.edn"),
            "line 3, column 30: :type must be :invoke, :ok, :fail or :info, found keyword :done");
  EXPECT_EQ(refused("bad-process.edn"),
            "line 3, column 44: :process must be an integer >= 0 or :nemesis, found string "
            "\"worker-0\"");
  // A completion without its invocation is the checker's business, not the import's.
  std::ifstream in(testdata("malformed") / "completion-without-invocation.edn");
  const auto history = read_maelstrom_kafka_history(in);
  ASSERT_TRUE(history.ok()) << history.error();
  EXPECT_EQ(history.value().size(), 2u);
  EXPECT_EQ(history.value()[0].offset, 0);
  EXPECT_EQ(history.value()[1].error, "indeterminate: timed out");
}

TEST(MaelstromKafka, BadValuesAreRefusedWithTheField) {
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :read, :value [0 nil]}"),
            "line 1, column 32: :f :read is not a kafka operation (send, poll, assign, crash)");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :send, :value [[:send \"k\" 1]]}"),
            "line 1, column 43: :value of an :ok :send: expected [:send key [offset message]], "
            "found vector [:send \"k\" 1]");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :send, :value [[:poll]]}"),
            "line 1, column 47: :value of :send: expected a micro-op [:send ...], found vector "
            "[:poll]");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :send, :value [[:send \"k\" 1] [:send \"k\" "
                    "2]]}"),
            "line 1, column 46: :value of :send: expected one micro-op, [[:send ...]], found "
            "vector [[:send \"k\" 1] [:send \"k\" 2]]");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :poll, :value [[:poll {\"k\" [[:x 1]]}]]}"),
            "line 1, column 57: :value of :poll: an offset must be an integer, found keyword :x");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :poll, :value [[:poll {\"k\" 3}]]}"),
            "line 1, column 55: :value of :poll: expected [[offset message] ...], found "
            "integer 3");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :assign, :value [:k]}"),
            "line 1, column 45: :value of :assign: a key must be a string or an integer, found "
            "keyword :k");
  EXPECT_EQ(refusal("{:type :ok, :process -1, :f :crash}"),
            "line 1, column 22: :process must be an integer >= 0 or :nemesis, found integer -1");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f \"send\"}"),
            "line 1, column 28: :f must be a keyword, found string \"send\"");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :crash, :time 1.5}"),
            "line 1, column 42: :time must be an integer (nanoseconds), found float 1.5");
  EXPECT_EQ(refusal("{:type :ok, :type :ok, :process 0, :f :crash}"),
            "line 1, column 13: the op repeats the key :type");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :crash}\n{:type :ok, :process 0, :f [1 2)}"),
            "line 2, column 32: expected ']' to close the '[' at line 2, column 28, found ')'");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :crash}\n{:type :ok"),
            "line 2, column 11: unexpected end of input: expected '}' to close the '{' at line 2, "
            "column 1");
}

}  // namespace
}  // namespace eddy::checker
