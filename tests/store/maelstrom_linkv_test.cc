// read_maelstrom_linkv_history: the real lin-kv store imports with the
// counts of its results.edn, its keys, errors, error codes and nemesis
// entries, and check_linkv gives it results.edn's verdict; hand-written stores cover info and fail
// completions, garbage completion values, JSON values of every kind, and untupled (Knossos-style)
// single-register histories; ambiguous or unconvertible values are refused
// with the line, the column and the field.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "checker/linkv_checker.h"
#include "checker/maelstrom_store.h"
#include "store_test_support.h"

namespace eddy::checker {
namespace {

using testing::completion_counts;
using testing::corpus_store;
using testing::testdata;

core::Value json(std::string_view text) { return core::Value::from_json_text(text); }
core::Value integer(int64_t value) { return core::Value(value); }

LinKvHistory imported_store(const std::filesystem::path& store) {
  auto in = open_maelstrom_history(store);
  EXPECT_TRUE(in.ok()) << (in.ok() ? "" : in.error());
  if (!in.ok()) return {};
  auto history = read_maelstrom_linkv_history(in.value());
  EXPECT_TRUE(history.ok()) << store << ": " << (history.ok() ? "" : history.error());
  if (!history.ok()) return {};
  return std::move(history).value();
}

LinKvHistory imported(std::string_view text) {
  std::istringstream in{std::string(text)};
  auto history = read_maelstrom_linkv_history(in);
  EXPECT_TRUE(history.ok()) << (history.ok() ? "" : history.error());
  if (!history.ok()) return {};
  return std::move(history).value();
}

std::string refusal(std::string_view text) {
  std::istringstream in{std::string(text)};
  auto history = read_maelstrom_linkv_history(in);
  EXPECT_FALSE(history.ok()) << text;
  return history.ok() ? "" : history.error();
}

TEST(MaelstromLinKv, RealStoreMatchesItsResults) {
  const auto store = corpus_store("lin-kv-3nodes-partitions");
  ASSERT_FALSE(HasFailure());
  const LinKvHistory history = imported_store(store);
  ASSERT_EQ(history.size(), 966u);

  auto results_in = open_maelstrom_results(store);
  ASSERT_TRUE(results_in.ok()) << results_in.error();
  const auto results = read_maelstrom_results(results_in.value());
  ASSERT_TRUE(results.ok()) << results.error();
  const auto counts = completion_counts(history);
  EXPECT_EQ(counts.all, (MaelstromCounts{478, 339, 139, 0}));
  EXPECT_EQ(counts.all, *results.value().stats);
  EXPECT_EQ(counts.by_f, results.value().stats_by_f);
  EXPECT_EQ(counts.by_f.at("cas"), (MaelstromCounts{171, 36, 135, 0}));
  EXPECT_EQ(counts.by_f.at("read"), (MaelstromCounts{227, 223, 4, 0}));
  EXPECT_EQ(counts.by_f.at("write"), (MaelstromCounts{80, 80, 0, 0}));
}

TEST(MaelstromLinKv, RealStoreGetsMaelstromsVerdict) {
  const auto store = corpus_store("lin-kv-3nodes-partitions");
  ASSERT_FALSE(HasFailure());
  const LinKvHistory history = imported_store(store);
  auto results_in = open_maelstrom_results(store);
  ASSERT_TRUE(results_in.ok()) << results_in.error();
  const auto results = read_maelstrom_results(results_in.value());
  ASSERT_TRUE(results.ok()) << results.error();
  const LinKvCheckResult result = check_linkv(history);
  EXPECT_EQ(result.validity, results.value().valid) << format_report(result);
  EXPECT_EQ(result.workload_validity, results.value().workload_valid) << format_report(result);
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
}

TEST(MaelstromLinKv, HandWrittenStoresAreJudged) {
  for (const char* store : {"linkv-info-fail", "linkv-register"}) {
    const LinKvCheckResult result = check_linkv(imported_store(testdata(store)));
    EXPECT_EQ(result.validity, Validity::kValid) << store << "\n" << format_report(result);
  }
  // A read of a value nobody wrote.
  const LinKvCheckResult result =
      check_linkv(imported("{:type :invoke, :process 0, :f :write, :value [0 1]}\n"
                           "{:type :ok, :process 0, :f :write, :value [0 1]}\n"
                           "{:type :invoke, :process 1, :f :cas, :value [0 [1 2]]}\n"
                           "{:type :ok, :process 1, :f :cas, :value [0 [1 2]]}\n"
                           "{:type :invoke, :process 0, :f :read, :value [0 nil]}\n"
                           "{:type :ok, :process 0, :f :read, :value [0 7]}\n"));
  EXPECT_EQ(result.workload_validity, Validity::kInvalid) << format_report(result);
}

TEST(MaelstromLinKv, RealStoreKeysErrorsAndNemesis) {
  const auto store = corpus_store("lin-kv-3nodes-partitions");
  ASSERT_FALSE(HasFailure());
  const LinKvHistory history = imported_store(store);
  ASSERT_EQ(history.size(), 966u);
  std::map<std::string, int> errors;
  std::map<int32_t, int> codes;
  std::vector<std::string> nemesis;
  for (size_t i = 0; i < history.size(); ++i) {
    const LinKvOp& op = history[i];
    ASSERT_EQ(op.index, static_cast<int64_t>(i));
    if (op.f == LinKvF::kNemesis) {
      EXPECT_EQ(op.process, kNemesisProcess);
      EXPECT_EQ(op.type, OpType::kInfo);
      nemesis.push_back(op.nemesis);
      continue;
    }
    EXPECT_EQ(op.key, integer(0)) << "op " << i;  // the run used one key
    if (op.type == OpType::kFail) {
      const std::string name = op.error.substr(0, op.error.find(':'));
      ++errors[name];
      ++codes[op.error_code];
    } else {
      EXPECT_EQ(op.error, "") << "op " << i;
      EXPECT_EQ(op.error_code, 0) << "op " << i;
    }
    if (op.f == LinKvF::kRead) {
      EXPECT_EQ(op.value.has_value(), op.type == OpType::kOk);
    }
    if (op.f == LinKvF::kWrite) {
      EXPECT_TRUE(op.value.has_value());
    }
  }
  EXPECT_EQ(errors,
            (std::map<std::string, int>{{"key-does-not-exist", 8}, {"precondition-failed", 131}}));
  EXPECT_EQ(codes, (std::map<int32_t, int>{{20, 8}, {22, 131}}));
  ASSERT_EQ(nemesis.size(), 10u);
  EXPECT_EQ(nemesis[0], "start-partition :one");
  EXPECT_EQ(nemesis[1],
            R"(start-partition [:isolated {"n0" #{"n2" "n1"}, "n2" #{"n0"}, "n1" #{"n0"}}])");
  EXPECT_EQ(nemesis[2], "stop-partition nil");
  EXPECT_EQ(nemesis[3], "stop-partition :network-healed");
  EXPECT_EQ(nemesis[4], "start-partition :majority");

  // {:index 4, :time 48500631, :type :invoke, :process 3, :f :cas, :value [0 [4 1]]}
  EXPECT_EQ(history[4].f, LinKvF::kCas);
  EXPECT_EQ(history[4].time_us, 48500);
  EXPECT_EQ(history[4].from, integer(4));
  EXPECT_EQ(history[4].to, integer(1));
  // {:index 22, ... :type :fail, :process 3, :f :cas, :value [0 [2 1]],
  //  :error [:precondition-failed "current value 0 is not 2"]}
  EXPECT_EQ(history[22].error, "precondition-failed: current value 0 is not 2");
  EXPECT_EQ(history[22].error_code, 22);
  EXPECT_EQ(history[22].from, integer(2));
  // {:index 23, ... :type :ok, :process 0, :f :read, :value [0 0]}
  EXPECT_EQ(history[23].value, integer(0));
  EXPECT_EQ(history[965].value, integer(3));
}

TEST(MaelstromLinKv, InfoAndFailCompletions) {
  const LinKvHistory history = imported_store(testdata("linkv-info-fail"));
  ASSERT_EQ(history.size(), 26u);
  EXPECT_EQ(history[2].nemesis, "start-partition :one");
  EXPECT_EQ(history[5].value, integer(3));
  EXPECT_FALSE(history[1].value);  // a read invocation has no value
  EXPECT_EQ(history[7].error, "precondition-failed: current value 3 is not 4");
  EXPECT_EQ(history[7].error_code, 22);
  EXPECT_EQ(history[7].from, integer(4));
  EXPECT_EQ(history[7].to, integer(1));
  EXPECT_EQ(history[9].error, "key-does-not-exist: key does not exist");
  EXPECT_EQ(history[9].error_code, 20);
  EXPECT_EQ(history[9].key, integer(1));
  EXPECT_FALSE(history[9].value);
  // A completion's garbage value is ignored: the write's value is the invocation's.
  EXPECT_EQ(history[11].type, OpType::kInfo);
  EXPECT_EQ(history[11].key, integer(1));
  EXPECT_EQ(history[11].value, integer(4));
  EXPECT_EQ(history[11].error, "net-timeout");
  EXPECT_EQ(history[11].error_code, 0);
  // A read of nil reads JSON null.
  EXPECT_EQ(history[15].value, json("null"));
  EXPECT_EQ(history[15].key, integer(2));
  // A cas completed with :value nil keeps its invocation's arguments.
  EXPECT_EQ(history[17].key, integer(2));
  EXPECT_EQ(history[17].from, integer(1));
  EXPECT_EQ(history[17].to, integer(2));
  // Values of every JSON kind; keys of any JSON kind.
  EXPECT_EQ(history[21].value, json(R"({"a":[1,2.5,true,null]})"));
  EXPECT_EQ(history[21].error, "temporarily-unavailable: not the leader");
  EXPECT_EQ(history[21].error_code, 11);
  EXPECT_EQ(history[23].key, json(R"("k")"));
  EXPECT_EQ(history[23].value, json(R"("v")"));
  EXPECT_EQ(history[23].error_code, 0);  // a name Maelstrom does not have
  EXPECT_EQ(history[25].error, "indeterminate: the node crashed");
}

TEST(MaelstromLinKv, UntupledRegister) {
  const LinKvHistory history = imported_store(testdata("linkv-register"));
  ASSERT_EQ(history.size(), 10u);
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].index, static_cast<int64_t>(i));
    EXPECT_EQ(history[i].time_us, 0);  // no :time anywhere
    EXPECT_EQ(history[i].key, json("null")) << "op " << i;
  }
  EXPECT_EQ(history[1].value, json("null"));
  EXPECT_EQ(history[3].value, integer(3));
  EXPECT_EQ(history[5].from, integer(3));
  EXPECT_EQ(history[5].to, integer(4));
  EXPECT_EQ(history[7].value, integer(4));
  EXPECT_EQ(history[9].type, OpType::kFail);
  EXPECT_EQ(history[9].from, integer(1));
}

TEST(MaelstromLinKv, MixedStylesAndCompletionsWithoutInvocations) {
  const LinKvHistory history = imported(
      "{:type :invoke, :process 0, :f :cas, :value [7 [1 2]]}\n"
      "{:type :invoke, :process 1, :f :cas, :value [1 2]}\n"
      "{:type :ok, :process 2, :f :read, :value [\"k\" [1 2]]}\n"
      "{:type :ok, :process 3, :f :read, :value 5}\n"
      "{:type :fail, :process 4, :f :write, :value [8 9]}\n"
      "{:type :ok, :process 5, :f :write, :value 9.5}\n");
  ASSERT_EQ(history.size(), 6u);
  EXPECT_EQ(history[0].key, integer(7));
  EXPECT_EQ(history[0].from, integer(1));
  EXPECT_EQ(history[1].key, json("null"));
  EXPECT_EQ(history[1].from, integer(1));
  EXPECT_EQ(history[2].key, json(R"("k")"));
  EXPECT_EQ(history[2].value, json("[1,2]"));
  EXPECT_EQ(history[3].key, json("null"));
  EXPECT_EQ(history[3].value, integer(5));
  EXPECT_EQ(history[4].key, integer(8));
  EXPECT_EQ(history[4].value, integer(9));
  EXPECT_EQ(history[5].value, json("9.5"));
}

TEST(MaelstromLinKv, AmbiguousOrUnconvertibleValuesAreRefused) {
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :cas, :value [[1] [2 3]]}"),
            "line 1, column 45: :value of :cas: expected [key [from to]] or [from to], found "
            "vector [[1] [2 3]]");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :cas, :value [1 2 3]}"),
            "line 1, column 45: :value of :cas: expected [key [from to]] or [from to], found "
            "vector [1 2 3]");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :write, :value [1 2 3]}"),
            "line 1, column 47: :value of :write: expected [key value] or a scalar, found "
            "vector [1 2 3]");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :write, :value [1 :x]}"),
            "line 1, column 50: :value of :write: no JSON value for this EDN value, found "
            "keyword :x");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :write, :value [1 {2 3}]}"),
            "line 1, column 51: :value of :write: a JSON object's keys are strings, found "
            "integer 2");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :write, :value [#{1} 3]}"),
            "line 1, column 48: the key of :write: no JSON value for this EDN value, found set "
            "#{1}");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :write, :value [1 ##Inf]}"),
            "line 1, column 50: :value of :write: no JSON value for this EDN value, found float "
            "##Inf");
  EXPECT_EQ(refusal("{:type :ok, :process 0, :f :read, :value :timed-out}"),
            "line 1, column 42: :value of :read: no JSON value for this EDN value, found keyword "
            ":timed-out");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :read}\n{:type :ok, :process 0, :f :read}"),
            "line 2, column 1: an :ok :read needs a :value");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :cas}"),
            "line 1, column 1: a :cas op needs a :value");
  EXPECT_EQ(refusal("{:type :invoke, :process 0, :f :send, :value [[:send \"k\" 1]]}"),
            "line 1, column 32: :f :send is not a lin-kv operation (read, write, cas)");
  EXPECT_EQ(refusal("{:type :invoke, :process :client, :f :read}"),
            "line 1, column 26: :process must be an integer >= 0 or :nemesis, found keyword "
            ":client");
}

}  // namespace
}  // namespace eddy::checker
