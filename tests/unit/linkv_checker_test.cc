// check_linkv on hand-written lin-kv histories: each way a register history
// can be (non-)linearizable, keys checked apart, Knossos's treatment of
// :fail and :info, Maelstrom's stats rule apart from the workload's verdict,
// the failing window, and histories that cannot be paired.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <utility>

#include "checker/linkv_checker.h"
#include "checker/linkv_history_io.h"
#include "core/value.h"
#include "tests/unit/escape_text.h"

namespace eddy::checker {
namespace {

// Writes a history the way the simulator records it; time is the index.
class History {
 public:
  History& invoke(int64_t process, LinKvF f, int64_t key, int64_t a = 0, int64_t b = 0) {
    LinKvOp op = base(process, OpType::kInvoke, f, key);
    if (f == LinKvF::kWrite) op.value = core::Value(a);
    if (f == LinKvF::kCas) {
      op.from = core::Value(a);
      op.to = core::Value(b);
    }
    in_flight_[process] = op;
    return push(op);
  }
  // Completes the process's op; `read` is the value an ok read returns.
  History& ok(int64_t process, std::optional<int64_t> read = std::nullopt) {
    LinKvOp op = complete(process, OpType::kOk);
    if (op.f == LinKvF::kRead) {
      op.value = read ? core::Value(*read) : core::Value::from_json_text("null");
    }
    return push(op);
  }
  History& fail(int64_t process, int32_t code = 22) {
    LinKvOp op = complete(process, OpType::kFail);
    op.error_code = code;
    op.error = "precondition-failed: whatever";
    return push(op);
  }
  History& info(int64_t process) {
    LinKvOp op = complete(process, OpType::kInfo);
    op.error = "net-timeout";
    return push(op);
  }
  History& nemesis(std::string what) {
    LinKvOp op = base(kNemesisProcess, OpType::kInfo, LinKvF::kNemesis, 0);
    op.nemesis = std::move(what);
    return push(op);
  }
  const LinKvHistory& ops() const { return ops_; }

 private:
  LinKvOp base(int64_t process, OpType type, LinKvF f, int64_t key) {
    LinKvOp op;
    op.index = static_cast<int64_t>(ops_.size());
    op.time_us = op.index * 1000;
    op.process = process;
    op.type = type;
    op.f = f;
    op.key = core::Value(key);
    return op;
  }
  LinKvOp complete(int64_t process, OpType type) {
    LinKvOp op = in_flight_.at(process);
    op.index = static_cast<int64_t>(ops_.size());
    op.time_us = op.index * 1000;
    op.type = type;
    if (op.f == LinKvF::kRead) op.value.reset();
    return op;
  }
  History& push(const LinKvOp& op) {
    ops_.push_back(op);
    return *this;
  }
  LinKvHistory ops_;
  std::map<int64_t, LinKvOp> in_flight_;
};

constexpr auto kR = LinKvF::kRead;
constexpr auto kW = LinKvF::kWrite;
constexpr auto kCas = LinKvF::kCas;

Validity workload(const History& h) { return check_linkv(h.ops()).workload_validity; }

TEST(LinKvChecker, EmptyHistoryIsValid) {
  const LinKvCheckResult result = check_linkv({});
  EXPECT_EQ(result.validity, Validity::kValid);
  EXPECT_TRUE(result.keys.empty());
}

TEST(LinKvChecker, SequentialHistoryIsLinearizable) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kR, 0).ok(1, 1).invoke(0, kCas, 0, 1, 2).ok(0);
  h.invoke(1, kR, 0).ok(1, 2);
  const LinKvCheckResult result = check_linkv(h.ops());
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
  ASSERT_EQ(result.keys.size(), 1u);
  EXPECT_EQ(result.keys[0].key, "0");
  EXPECT_EQ(result.keys[0].ops, 4);
}

TEST(LinKvChecker, StaleReadIsNotLinearizable) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(0, kW, 0, 2).ok(0).invoke(1, kR, 0).ok(1, 1);
  const LinKvCheckResult result = check_linkv(h.ops());
  EXPECT_EQ(result.workload_validity, Validity::kInvalid);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  ASSERT_TRUE(result.keys[0].violation.has_value());
  const LinearizabilityViolation& violation = *result.keys[0].violation;
  EXPECT_EQ(violation.op_index, 4) << "the stale read cannot be placed";
  EXPECT_EQ(violation.completion_index, 5);
  EXPECT_EQ(violation.values_before, std::vector<std::string>{"2"});
  EXPECT_TRUE(violation.concurrent.empty());
  EXPECT_NE(violation.description.find("read -> 1"), std::string::npos) << violation.description;
}

TEST(LinKvChecker, LostWriteIsNotLinearizable) {
  // The write of 3 was acknowledged, yet a later read sees the older value.
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kW, 0, 3).ok(1).invoke(0, kR, 0).ok(0, 1);
  EXPECT_EQ(workload(h), Validity::kInvalid);
}

TEST(LinKvChecker, CasFromAValueNeverWrittenIsNotLinearizable) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kCas, 0, 4, 2).ok(1);
  EXPECT_EQ(workload(h), Validity::kInvalid);
}

TEST(LinKvChecker, InfoWriteSeenLaterIsLinearizable) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kW, 0, 3).info(1).invoke(2, kR, 0).ok(2, 1);
  h.invoke(2, kR, 0).ok(2, 3).invoke(2, kR, 0).ok(2, 3);
  EXPECT_EQ(workload(h), Validity::kValid);
}

TEST(LinKvChecker, InfoWriteNeverSeenIsLinearizable) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kW, 0, 3).info(1).invoke(2, kR, 0).ok(2, 1);
  EXPECT_EQ(workload(h), Validity::kValid);
}

TEST(LinKvChecker, InfoWriteCannotTakeEffectBeforeItsInvocation) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(2, kR, 0).ok(2, 3).invoke(1, kW, 0, 3).info(1);
  EXPECT_EQ(workload(h), Validity::kInvalid);
}

TEST(LinKvChecker, ConcurrentWritesInEitherOrderAreLinearizable) {
  for (const int64_t last : {1, 2}) {
    History h;
    h.invoke(0, kW, 0, 1).invoke(1, kW, 0, 2).ok(0).ok(1).invoke(2, kR, 0).ok(2, last);
    h.invoke(2, kR, 0).ok(2, last);
    EXPECT_EQ(workload(h), Validity::kValid) << "read " << last;
  }
  // But not both orders at once: reading 2 then 1 needs a third write.
  History h;
  h.invoke(0, kW, 0, 1).invoke(1, kW, 0, 2).ok(0).ok(1).invoke(2, kR, 0).ok(2, 2);
  h.invoke(2, kR, 0).ok(2, 1);
  EXPECT_EQ(workload(h), Validity::kInvalid);
}

TEST(LinKvChecker, FailedOpsNeverHappened) {
  // A failed cas whose effect shows later: the node lied about error 22.
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kCas, 0, 1, 4).fail(1).invoke(2, kR, 0).ok(2, 4);
  const LinKvCheckResult result = check_linkv(h.ops());
  EXPECT_EQ(result.workload_validity, Validity::kInvalid);
  // The window names the failed op that would explain the read.
  ASSERT_TRUE(result.keys[0].violation.has_value());
  const std::string& description = result.keys[0].violation->description;
  EXPECT_NE(description.find("failed ops that would have set 4"), std::string::npos) << description;
  EXPECT_NE(
      description.find("cas 1 -> 4 (fail: precondition-failed: whatever, process 1, at 2..3)"),
      std::string::npos)
      << description;
  // A failed read of a missing key (error 20) constrains nothing, as Knossos
  // drops every :fail.
  History missing;
  missing.invoke(0, kW, 0, 1).ok(0).invoke(1, kR, 0).fail(1, 20).invoke(1, kR, 0).ok(1, 1);
  EXPECT_EQ(workload(missing), Validity::kValid);
}

TEST(LinKvChecker, ReadOfNilIsStrictUnlessKnossosSemanticsAreAsked) {
  History h;
  h.invoke(0, kR, 0).ok(0).invoke(0, kW, 0, 1).ok(0).invoke(1, kR, 0).ok(1);  // nil, then nil
  const LinKvCheckResult strict = check_linkv(h.ops());
  EXPECT_EQ(strict.workload_validity, Validity::kInvalid);
  ASSERT_TRUE(strict.keys[0].violation.has_value());
  EXPECT_EQ(strict.keys[0].violation->values_before, std::vector<std::string>{"1"});
  LinKvCheckOptions knossos;
  knossos.nil_read_matches_any = true;
  EXPECT_EQ(check_linkv(h.ops(), knossos).workload_validity, Validity::kValid);
}

TEST(LinKvChecker, KeysAreIndependent) {
  // Each key alone is fine; only mixing them up would not be.
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kW, 1, 2).ok(1).invoke(2, kR, 0).ok(2, 1);
  h.invoke(3, kR, 1).ok(3, 2).invoke(4, kR, 2).ok(4, 3);  // key 2 never written
  h.nemesis("start-partition majority [n0] | [n1 n2]");
  const LinKvCheckResult result = check_linkv(h.ops());
  ASSERT_EQ(result.keys.size(), 3u);
  EXPECT_EQ(result.keys[0].validity, Validity::kValid);
  EXPECT_EQ(result.keys[1].validity, Validity::kValid);
  EXPECT_EQ(result.keys[2].validity, Validity::kInvalid);
  EXPECT_EQ(result.keys[2].key, "2");
  EXPECT_EQ(result.keys_invalid, 1);
  EXPECT_NE(format_report(result).find("key 2: not linearizable"), std::string::npos)
      << format_report(result);
}

TEST(LinKvChecker, StatsRuleIsApartFromTheWorkloadsVerdict) {
  // Linearizable, but no cas ever succeeded: Maelstrom's stats checker fails
  // the run while its :workload stays valid.
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kCas, 0, 2, 3).fail(1).invoke(2, kR, 0).ok(2, 1);
  const LinKvCheckResult result = check_linkv(h.ops());
  EXPECT_EQ(result.workload_validity, Validity::kValid);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  ASSERT_EQ(result.stats_problems.size(), 1u);
  EXPECT_EQ(result.stats_problems[0], "cas: no ok completion (0 info, 1 fail)");
  EXPECT_EQ(result.by_f.at("cas").fail, 1);
  EXPECT_EQ(result.by_f.at("read").ok, 1);
  EXPECT_DOUBLE_EQ(result.availability, 2.0 / 3.0);
  EXPECT_EQ(result.client_invocations, 3);
}

TEST(LinKvChecker, AvailabilityRequirement) {
  History h;
  h.invoke(0, kW, 0, 1).ok(0).invoke(1, kW, 0, 2).info(1);
  LinKvCheckOptions options;
  options.availability_min = 0.9;
  const LinKvCheckResult result = check_linkv(h.ops(), options);
  EXPECT_EQ(result.workload_validity, Validity::kValid);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_FALSE(result.availability_problem.empty());
}

TEST(LinKvChecker, AHistoryThatCannotBePairedIsUnknown) {
  LinKvHistory ops = History().invoke(0, kW, 0, 1).ops();
  LinKvOp stray = ops[0];
  stray.index = 1;
  stray.process = 7;
  stray.type = OpType::kOk;
  ops.push_back(stray);
  const LinKvCheckResult result = check_linkv(ops);
  EXPECT_EQ(result.workload_validity, Validity::kUnknown);
  EXPECT_NE(result.unknown_reason.find("which has no op in flight"), std::string::npos)
      << result.unknown_reason;

  LinKvHistory twice = History().invoke(0, kW, 0, 1).ops();
  twice.push_back(twice[0]);
  twice[1].index = 1;
  EXPECT_EQ(check_linkv(twice).workload_validity, Validity::kUnknown);
}

TEST(LinKvChecker, StateBudgetGivesUnknownNeverAGuess) {
  History h;
  for (int64_t p = 0; p < 8; ++p) h.invoke(p, kW, 0, p);
  for (int64_t p = 0; p < 8; ++p) h.ok(p);
  h.invoke(9, kR, 0).ok(9, 42);  // no write of 42: not linearizable, if searched
  LinKvCheckOptions options;
  options.states_max_per_key = 3;
  const LinKvCheckResult result = check_linkv(h.ops(), options);
  EXPECT_EQ(result.workload_validity, Validity::kUnknown) << format_report(result);
  EXPECT_EQ(result.keys_unknown, 1);
  EXPECT_FALSE(result.unknown_reason.empty());
}

TEST(LinKvChecker, ResultIsTheSameWhateverTheThreadCount) {
  History h;
  for (int64_t key = 0; key < 12; ++key) {
    h.invoke(0, kW, key, key % 5).ok(0).invoke(1, kR, key).ok(1, key % 3);
  }
  LinKvCheckOptions one;
  one.threads = 1;
  LinKvCheckOptions four;
  four.threads = 4;
  EXPECT_EQ(to_json(check_linkv(h.ops(), one)).dump(), to_json(check_linkv(h.ops(), four)).dump());
}

// --- the JSON-lines format ----------------------------------------------------------

TEST(LinKvHistoryIo, RoundTripsByteForByte) {
  History h;
  h.invoke(3, kR, 0).ok(3, 4).invoke(5, kCas, 1, 2, 3).fail(5).invoke(6, kW, 0, 1).info(6);
  h.nemesis("start-partition one [n1] | [n0 n2]");
  std::ostringstream out;
  write_linkv_history(h.ops(), out);
  std::istringstream in(out.str());
  const auto read = read_linkv_history(in);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), h.ops());
  std::ostringstream again;
  write_linkv_history(read.value(), again);
  EXPECT_EQ(again.str(), out.str());
  EXPECT_NE(
      out.str().find(
          R"({"index":1,"time_us":1000,"process":3,"type":"ok","f":"read","key":0,"value":4})"),
      std::string::npos)
      << out.str();
}

// Every field at its longest: integers at the ends of their range, JSON
// values as text, strings where each byte needs an escape of six. The writer
// sizes each line before it writes it (and checks that bound in debug
// builds); the ops must come back as they were.
TEST(LinKvHistoryIo, LongestFieldsRoundTrip) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string text = test_support::text_needing_every_escape();
  LinKvHistory history;
  const auto add = [&](LinKvOp op) {
    op.index = static_cast<int64_t>(history.size());
    op.time_us = kMin;
    op.error = text;
    op.error_code = std::numeric_limits<int32_t>::min();
    op.node = text;
    op.client = text + text;
    history.push_back(std::move(op));
  };
  const core::Value json = core::Value::from_json_text(R"({"a":[1,null,"x\u0001"],"b":-0.5})");
  LinKvOp cas;
  cas.process = kMax;
  cas.type = OpType::kFail;
  cas.f = LinKvF::kCas;
  cas.key = core::Value(kMin);
  cas.from = json;
  cas.to = core::Value(kMax);
  add(cas);
  LinKvOp read;
  read.process = kMax;
  read.type = OpType::kOk;
  read.f = LinKvF::kRead;
  read.key = json;
  read.value = core::Value(kMin);
  add(read);
  LinKvOp nemesis;
  nemesis.process = kNemesisProcess;
  nemesis.type = OpType::kInfo;
  nemesis.f = LinKvF::kNemesis;
  nemesis.nemesis = text;
  add(nemesis);

  std::ostringstream out;
  write_linkv_history(history, out);
  std::istringstream in(out.str());
  const auto back = read_linkv_history(in);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history);
  std::string lines;
  for (const LinKvOp& op : history) append_linkv_op_line(op, lines);
  EXPECT_EQ(lines, out.str());
}

TEST(LinKvHistoryIo, KeepsAnyJsonKeyAndValue) {
  const auto op = parse_linkv_op_line(
      R"({"index":0,"time_us":5,"process":1,"type":"ok","f":"read","key":"k/1","value":{"a":[1,null]}})");
  ASSERT_TRUE(op.ok()) << op.error();
  EXPECT_EQ(op.value().key.to_json_text(), R"("k/1")");
  EXPECT_EQ(op.value().value->to_json_text(), R"({"a":[1,null]})");
}

TEST(LinKvHistoryIo, RejectsWhatIsNotAnOpWithTheReason) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "not valid JSON"},
      {"[1]", "not a JSON object"},
      {R"({"time_us":0,"process":0,"type":"invoke","f":"read","key":0})", "missing field 'index'"},
      {R"({"index":0,"time_us":0,"process":0,"type":"begin","f":"read","key":0})", "type must be"},
      {R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"send","key":0})", "f must be"},
      {R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"read","key":0})", "an ok read needs"},
      {R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"read","key":0,"value":1})",
       "only an ok read carries a value"},
      {R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"write","key":0})",
       "missing field 'value'"},
      {R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"cas","key":0,"from":1})",
       "missing field 'to'"},
      {R"({"index":0,"time_us":0,"process":-2,"type":"invoke","f":"read","key":0})",
       "process must be"},
      {R"({"index":0,"time_us":0,"process":"nemesis","type":"info","f":"read","key":0})",
       "f nemesis goes with process"},

  };
  for (const auto& [line, reason] : cases) {
    const auto op = parse_linkv_op_line(line);
    ASSERT_FALSE(op.ok()) << line;
    EXPECT_NE(op.error().find(reason), std::string::npos) << line << " -> " << op.error();
  }
  const std::string deep =
      R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"read","key":)" +
      std::string(100'000, '[') + std::string(100'000, ']') + "}";
  const auto op = parse_linkv_op_line(deep);
  ASSERT_FALSE(op.ok());
  EXPECT_NE(op.error().find("nested deeper"), std::string::npos) << op.error();
}

TEST(LinKvHistoryIo, ReadingNamesTheLine) {
  std::istringstream gap(
      "{\"index\":0,\"time_us\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":0}\n"
      "{\"index\":2,\"time_us\":0,\"process\":0,\"type\":\"fail\",\"f\":\"read\",\"key\":0}\n");
  const auto read = read_linkv_history(gap);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error(), "line 2: index 2 where 1 was expected");
  std::istringstream long_line(std::string(100, ' ') + "\n");
  const auto refused = read_linkv_history(long_line, 64);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "line 1: longer than 64 bytes");
}

}  // namespace
}  // namespace eddy::checker
