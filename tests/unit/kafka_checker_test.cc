// check_kafka: each of Jepsen's kafka anomalies on a minimal history, the
// edge cases of docs/maelstrom-semantics.md section 5, the verdict, the
// statistics and the report.
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checker/history.h"
#include "checker/kafka_checker.h"
#include "checker/synthetic_history.h"

namespace eddy::checker {
namespace {

using Records = std::vector<std::pair<int64_t, int64_t>>;  // [offset, message]

// One key of a poll reply: msgs("a", {{0, 1}, {1, 2}}) is "a": [[0,1],[1,2]].
PolledKey msgs(std::string key, const Records& records) {
  PolledKey polled{std::move(key), {}};
  for (const auto& [offset, value] : records) polled.records.push_back({offset, value});
  return polled;
}

// Builds a history entry by entry. Each entry comes 1 ms after the one before
// (so time_us = 1000 * index) unless at_ms() sets the next entry's time. The one-call helpers
// invoke and complete an op back to back; invoke_*/complete_* split them to interleave.
class HistoryBuilder {
 public:
  HistoryBuilder& at_ms(int64_t time_ms) {
    next_time_us_ = time_ms * 1000;
    return *this;
  }

  HistoryBuilder& invoke_send(int64_t process, std::string key, int64_t value) {
    Op op = make(process, OpType::kInvoke, OpF::kSend);
    op.key = std::move(key);
    op.value = value;
    return add(std::move(op));
  }
  HistoryBuilder& ok_send(int64_t process, std::string key, int64_t value, int64_t offset) {
    Op op = make(process, OpType::kOk, OpF::kSend);
    op.key = std::move(key);
    op.value = value;
    op.offset = offset;
    return add(std::move(op));
  }
  HistoryBuilder& info_send(int64_t process, std::string key, int64_t value,
                            std::optional<int64_t> offset = std::nullopt) {
    Op op = make(process, OpType::kInfo, OpF::kSend);
    op.key = std::move(key);
    op.value = value;
    op.offset = offset;
    op.error = "indeterminate: timeout";
    return add(std::move(op));
  }
  HistoryBuilder& fail_send(int64_t process, std::string key, int64_t value) {
    Op op = make(process, OpType::kFail, OpF::kSend);
    op.key = std::move(key);
    op.value = value;
    return add(std::move(op));
  }
  // An ok send, invoked and completed.
  HistoryBuilder& send(int64_t process, const std::string& key, int64_t value, int64_t offset) {
    return invoke_send(process, key, value).ok_send(process, key, value, offset);
  }

  HistoryBuilder& invoke_poll(int64_t process) {
    return add(make(process, OpType::kInvoke, OpF::kPoll));
  }
  HistoryBuilder& ok_poll(int64_t process, std::vector<PolledKey> polled) {
    Op op = make(process, OpType::kOk, OpF::kPoll);
    op.polled = std::move(polled);
    return add(std::move(op));
  }
  HistoryBuilder& info_poll(int64_t process, std::vector<PolledKey> polled = {}) {
    Op op = make(process, OpType::kInfo, OpF::kPoll);
    op.polled = std::move(polled);
    op.error = "indeterminate: timeout";
    return add(std::move(op));
  }
  // An ok poll, invoked and completed.
  HistoryBuilder& poll(int64_t process, std::vector<PolledKey> polled) {
    return invoke_poll(process).ok_poll(process, std::move(polled));
  }

  HistoryBuilder& assign(int64_t process, std::vector<std::string> keys,
                         OpType outcome = OpType::kOk, bool seek_to_beginning = false) {
    Op op = make(process, OpType::kInvoke, OpF::kAssign);
    op.keys = std::move(keys);
    op.seek_to_beginning = seek_to_beginning;
    add(op);
    op.type = outcome;
    if (outcome == OpType::kInfo) op.error = "indeterminate: timeout";
    return add(std::move(op));
  }

  HistoryBuilder& crash(int64_t process) {
    add(make(process, OpType::kInvoke, OpF::kCrash));
    return add(make(process, OpType::kInfo, OpF::kCrash));
  }

  HistoryBuilder& nemesis(std::string what) {
    Op op = make(kNemesisProcess, OpType::kInfo, OpF::kNemesis);
    op.nemesis = std::move(what);
    return add(std::move(op));
  }

  const History& history() const { return history_; }
  CheckResult check(const CheckOptions& options = {}) const {
    return check_kafka(history_, options);
  }

 private:
  Op make(int64_t process, OpType type, OpF f) const {
    Op op;
    op.process = process;
    op.type = type;
    op.f = f;
    return op;
  }
  HistoryBuilder& add(Op op) {
    op.index = static_cast<int64_t>(history_.size());
    op.time_us =
        next_time_us_ ? *next_time_us_ : (history_.empty() ? 0 : history_.back().time_us + 1000);
    next_time_us_.reset();
    history_.push_back(std::move(op));
    return *this;
  }

  History history_;
  std::optional<int64_t> next_time_us_;
};

std::vector<std::string> types_of(const CheckResult& result) {
  std::vector<std::string> types;
  for (const auto& [type, anomaly] : result.anomalies) types.push_back(type);
  return types;
}

using Types = std::vector<std::string>;

const Anomaly& anomaly_of(const CheckResult& result, std::string_view type) {
  static const Anomaly kMissing{"missing", 0, {}};
  const auto it = result.anomalies.find(std::string(type));
  return it == result.anomalies.end() ? kMissing : it->second;
}

// The JSON text Renderer gives an op: index, time (1 ms an entry), process...
std::string poll_op(int64_t index, int64_t process, const std::string& msgs) {
  return R"({"f":"poll","index":)" + std::to_string(index) + R"(,"msgs":)" + msgs +
         R"(,"process":)" + std::to_string(process) + R"(,"time_us":)" +
         std::to_string(index * 1000) + R"(,"type":"ok"})";
}
std::string send_op(int64_t index, int64_t process, const std::string& key, int64_t value,
                    int64_t offset) {
  return R"({"f":"send","index":)" + std::to_string(index) + R"(,"key":")" + key +
         R"(","offset":)" + std::to_string(offset) + R"(,"process":)" + std::to_string(process) +
         R"(,"time_us":)" + std::to_string(index * 1000) + R"(,"type":"ok","value":)" +
         std::to_string(value) + "}";
}

// Process 0 sends 1, 2, 3 to "a" at offsets 0, 1, 2 (ops 0-5).
HistoryBuilder three_sends() {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(0, "a", 2, 1).send(0, "a", 3, 2);
  return h;
}

// ---------------------------------------------------------------------------
// A valid history

TEST(KafkaChecker, ValidHistoryHasNoAnomalies) {
  HistoryBuilder h;
  h.nemesis("start-partition majority");
  h.assign(0, {"a"});
  h.invoke_send(1, "a", 1);
  h.invoke_poll(0);
  h.ok_send(1, "a", 1, 10);  // offsets 10, 20, 25: gaps, not skips
  h.ok_poll(0, {msgs("a", {{10, 1}})});
  h.send(1, "a", 2, 20).send(1, "b", 1, 3);
  h.invoke_send(2, "a", 3).info_send(2, "a", 3);  // info: process 2 ends
  h.send(5, "a", 4, 25);                          // process 5 is thread 2's next client
  h.poll(0, {msgs("a", {{20, 2}, {25, 4}})});
  h.assign(0, {"a", "b"});  // keeps "a", adds "b"
  h.poll(0, {msgs("a", {}), msgs("b", {{3, 1}})});
  h.crash(1);
  h.nemesis("stop-partition");
  // Final phase: a crash, an assign of every key from the beginning, polls.
  h.crash(0).assign(3, {"a", "b"}, OpType::kOk, /*seek_to_beginning=*/true);
  h.poll(3, {msgs("a", {{10, 1}, {20, 2}}), msgs("b", {{3, 1}})});
  h.poll(3, {msgs("a", {{25, 4}}), msgs("b", {})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
  EXPECT_TRUE(result.anomalies.empty());
  EXPECT_TRUE(result.bad_anomaly_types.empty());
  EXPECT_TRUE(result.stats_problems.empty());
  EXPECT_EQ(result.unknown_reason, "");
  EXPECT_EQ(result.keys, 2);
  EXPECT_EQ(result.acknowledged_sends, 4);
  EXPECT_EQ(result.polled_values, 4);
  EXPECT_EQ(result.info_causes, std::vector<std::string>{"indeterminate: timeout"});
}

TEST(KafkaChecker, EmptyHistoryIsValid) {
  const CheckResult result = check_kafka({});
  EXPECT_EQ(result.validity, Validity::kValid);
  EXPECT_EQ(result.availability, 1.0);
  EXPECT_TRUE(result.by_f.empty());
}

// ---------------------------------------------------------------------------
// One minimal history per anomaly

TEST(KafkaChecker, InconsistentOffsets) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(1, "a", 2, 0);  // two messages at offset 0
  h.poll(2, {msgs("a", {{0, 1}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kInvalid);
  const Anomaly& anomaly = anomaly_of(result, "inconsistent-offsets");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"index":0,"key":"a","offset":0,"values":[1,2]})");
  // Message 2 lost its offset to 1: it has no index, and is never read.
  EXPECT_EQ(types_of(result), (Types{"inconsistent-offsets", "lost-write", "unseen"}));
}

TEST(KafkaChecker, Duplicate) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0);
  h.poll(1, {msgs("a", {{0, 1}})});
  h.poll(2, {msgs("a", {{3, 1}})});  // the same message at offset 3 too
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"duplicate"}));
  const Anomaly& anomaly = anomaly_of(result, "duplicate");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"count":2,"key":"a","offsets":[0,3],"value":1})");
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, LostWrite) {
  HistoryBuilder h = three_sends();
  h.poll(1, {msgs("a", {{0, 1}})});  // op 7
  h.poll(2, {msgs("a", {{2, 3}})});  // op 9: read 3, so 2 must have been read
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"lost-write", "unseen"}));
  const Anomaly& anomaly = anomaly_of(result, "lost-write");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0],
            R"({"index":1,"key":"a","max-read":)" + poll_op(9, 2, R"({"a":[[2,3]]})") +
                R"(,"max-read-index":2,"value":2,"writer":)" + send_op(3, 0, "a", 2, 1) + "}");
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_EQ(result.bad_anomaly_types, (Types{"lost-write", "unseen"}));
}

TEST(KafkaChecker, UnseenIsAnAcknowledgedMessageNoPollEverRead) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(0, "a", 2, 1);
  h.poll(1, {msgs("a", {{0, 1}})});
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"unseen"}));
  const Anomaly& anomaly = anomaly_of(result, "unseen");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"count":1,"key":"a","messages":[2]})");
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, UnseenIsDecidedAtTheEnd) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(0, "a", 2, 1);
  h.poll(1, {msgs("a", {{0, 1}})});
  h.poll(2, {msgs("a", {{0, 1}, {1, 2}})});  // a later poll reads 2 after all
  const CheckResult result = h.check();
  EXPECT_TRUE(result.anomalies.empty()) << format_report(result);
  EXPECT_EQ(result.validity, Validity::kValid);
}

TEST(KafkaChecker, NonmonotonicPoll) {
  HistoryBuilder h = three_sends();
  h.poll(1, {msgs("a", {{0, 1}, {1, 2}})});  // op 7
  h.poll(1, {msgs("a", {{1, 2}, {2, 3}})});  // op 9: starts again at 2
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"nonmonotonic-poll"}));
  const Anomaly& anomaly = anomaly_of(result, "nonmonotonic-poll");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0],
            R"({"delta":0,"key":"a","ops":[)" + poll_op(7, 1, R"({"a":[[0,1],[1,2]]})") + "," +
                poll_op(9, 1, R"({"a":[[1,2],[2,3]]})") + R"(],"values":[2,2]})");
}

TEST(KafkaChecker, PollSkip) {
  HistoryBuilder h = three_sends();
  h.poll(1, {msgs("a", {{0, 1}})});  // op 7
  h.poll(1, {msgs("a", {{2, 3}})});  // op 9: skips 2
  h.poll(2, {msgs("a", {{0, 1}, {1, 2}, {2, 3}})});
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"poll-skip"}));
  const Anomaly& anomaly = anomaly_of(result, "poll-skip");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"delta":2,"key":"a","ops":[)" +
                                     poll_op(7, 1, R"({"a":[[0,1]]})") + "," +
                                     poll_op(9, 1, R"({"a":[[2,3]]})") + R"(],"skipped":[2]})");
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, NonmonotonicSend) {
  HistoryBuilder h;
  h.send(0, "a", 1, 5);  // ops 0-1
  h.send(0, "a", 2, 3);  // ops 2-3: the process's second send lands before its first
  h.poll(1, {msgs("a", {{3, 2}, {5, 1}})});
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"nonmonotonic-send"}));
  const Anomaly& anomaly = anomaly_of(result, "nonmonotonic-send");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"delta":-1,"key":"a","ops":[)" + send_op(1, 0, "a", 1, 5) +
                                     "," + send_op(3, 0, "a", 2, 3) + R"(],"values":[1,2]})");
}

TEST(KafkaChecker, NonmonotonicSendCountsInfoSends) {
  HistoryBuilder h;
  h.send(0, "a", 1, 5);
  h.invoke_send(0, "a", 2).info_send(0, "a", 2);  // no offset, but a poll places it
  h.poll(1, {msgs("a", {{3, 2}, {5, 1}})});
  EXPECT_EQ(types_of(h.check()), (Types{"nonmonotonic-send"}));
}

TEST(KafkaChecker, IntPollSkip) {
  HistoryBuilder h = three_sends();
  h.poll(1, {msgs("a", {{0, 1}, {2, 3}})});  // op 7: 1 then 3 in one reply
  h.poll(2, {msgs("a", {{0, 1}, {1, 2}, {2, 3}})});
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"int-poll-skip"}));
  const Anomaly& anomaly = anomaly_of(result, "int-poll-skip");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"delta":2,"key":"a","op":)" +
                                     poll_op(7, 1, R"({"a":[[0,1],[2,3]]})") +
                                     R"(,"skipped":[2],"values":[1,3]})");
}

TEST(KafkaChecker, IntNonmonotonicPoll) {
  HistoryBuilder h = three_sends();
  h.poll(1, {msgs("a", {{1, 2}, {0, 1}, {2, 3}})});  // op 7: 2 before 1
  const CheckResult result = h.check();
  // 2 -> 1 goes back one; 1 -> 3 jumps over 2 (read earlier in the same op).
  EXPECT_EQ(types_of(result), (Types{"int-nonmonotonic-poll", "int-poll-skip"}));
  const Anomaly& anomaly = anomaly_of(result, "int-nonmonotonic-poll");
  EXPECT_EQ(anomaly.count, 1);
  ASSERT_EQ(anomaly.examples.size(), 1u);
  EXPECT_EQ(anomaly.examples[0], R"({"delta":-1,"key":"a","op":)" +
                                     poll_op(7, 1, R"({"a":[[1,2],[0,1],[2,3]]})") +
                                     R"(,"values":[2,1]})");
}

// int-send-skip and int-nonmonotonic-send compare consecutive sends inside one
// op; an Op carries one send, so neither can arise. And Jepsen has no check
// for skips between a process's sends: other processes write in between.
TEST(KafkaChecker, SendsThatSkipOffsetsAreNotAnomalies) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(1, "a", 2, 1).send(0, "a", 3, 2);
  h.poll(2, {msgs("a", {{0, 1}, {1, 2}, {2, 3}})});
  EXPECT_TRUE(h.check().anomalies.empty());
  EXPECT_TRUE(is_allowed_anomaly("int-send-skip"));
  EXPECT_FALSE(is_allowed_anomaly("int-nonmonotonic-send"));
  EXPECT_TRUE(is_allowed_anomaly("G0-realtime"));
  EXPECT_FALSE(is_allowed_anomaly("poll-skip"));  // sub-via is #{:assign}
}

TEST(KafkaChecker, G1aReadsAFailedSend) {
  HistoryBuilder h;
  h.send(0, "a", 2, 1);                           // ops 0-1
  h.invoke_send(0, "a", 1).fail_send(0, "a", 1);  // ops 2-3
  h.poll(1, {msgs("a", {{0, 1}, {1, 2}})});       // op 5
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"G1a"}));
  EXPECT_EQ(anomaly_of(result, "G1a").examples[0],
            R"({"key":"a","reader":)" + poll_op(5, 1, R"({"a":[[0,1],[1,2]]})") +
                R"(,"value":1,"writer":{"f":"send","index":3,"key":"a","process":0,)"
                R"("time_us":3000,"type":"fail","value":1}})");
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, G1cRealtimeReadsAMessageBeforeItsSendWasInvoked) {
  HistoryBuilder h;
  h.poll(1, {msgs("a", {{0, 1}})});  // ops 0-1: reads 1...
  h.send(0, "a", 1, 0);              // ops 2-3: ...which is sent only afterwards
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"G1c-realtime"}));
  EXPECT_EQ(anomaly_of(result, "G1c-realtime").examples[0],
            R"({"key":"a","reader":)" + poll_op(1, 1, R"({"a":[[0,1]]})") +
                R"(,"value":1,"writer":)" + send_op(3, 0, "a", 1, 0) + "}");
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, ConcurrentReadOfASendIsFine) {
  HistoryBuilder h;
  h.invoke_send(0, "a", 1).invoke_poll(1);
  h.ok_poll(1, {msgs("a", {{0, 1}})});  // completes before the send's ok
  h.ok_send(0, "a", 1, 0);
  EXPECT_EQ(h.check().validity, Validity::kValid);
}

TEST(KafkaChecker, PhantomReadMakesTheVerdictUnknown) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0);
  h.poll(1, {msgs("a", {{0, 1}, {1, 99}})});  // op 3: no send carried 99
  const CheckResult result = h.check();
  EXPECT_EQ(types_of(result), (Types{"phantom-read"}));
  EXPECT_EQ(result.validity, Validity::kUnknown);
  EXPECT_TRUE(result.bad_anomaly_types.empty());
  EXPECT_EQ(
      anomaly_of(result, "phantom-read").examples[0],
      R"({"key":"a","reader":)" + poll_op(3, 1, R"({"a":[[0,1],[1,99]]})") + R"(,"value":99})");
  EXPECT_NE(result.unknown_reason.find("key \"a\" message 99 by op 3"), std::string::npos)
      << result.unknown_reason;
}

TEST(KafkaChecker, NonIntegerMessageIsAPhantom) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0);
  h.poll(1, {msgs("a", {{0, 1}, {1, kNonIntegerValue}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kUnknown);
  EXPECT_EQ(
      anomaly_of(result, "phantom-read").examples[0],
      R"({"key":"a","reader":)" + poll_op(3, 1, R"({"a":[[0,1],[1,null]]})") + R"(,"value":null})");
}

TEST(KafkaChecker, InvalidWinsOverUnknown) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(0, "a", 2, 1);  // 2 is never read: unseen
  h.poll(1, {msgs("a", {{0, 1}, {5, 99}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_FALSE(result.unknown_reason.empty());
}

// ---------------------------------------------------------------------------
// Edge cases of the per-process poll comparison (section 5.3)

// Process 0 sends 1, 2, 3 to "a" (offsets 0-2) and 10 to "b" (offset 0);
// process 9 reads everything at the end, so that only the case under test
// can show up.
HistoryBuilder per_process_setup() {
  HistoryBuilder h = three_sends();
  h.send(0, "b", 10, 0);
  return h;
}
void read_everything(HistoryBuilder& h) {
  h.poll(9, {msgs("a", {{0, 1}, {1, 2}, {2, 3}}), msgs("b", {{0, 10}})});
}

TEST(KafkaChecker, EmptyListTurnsOffTheNextComparison) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.poll(1, {msgs("a", {})});        // [] for "a"...
  h.poll(1, {msgs("a", {{2, 3}})});  // ...so this skip goes unseen
  read_everything(h);
  EXPECT_TRUE(h.check().anomalies.empty());
}

TEST(KafkaChecker, OmittedKeyKeepsItsBaseline) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.poll(1, {msgs("b", {{0, 10}})});  // "a" left out: its baseline stays 1
  h.poll(1, {msgs("a", {{2, 3}})});
  read_everything(h);
  EXPECT_EQ(types_of(h.check()), (Types{"poll-skip"}));
}

TEST(KafkaChecker, KeysKeptAcrossAnAssignAreStillCompared) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.assign(1, {"b", "a"});
  h.poll(1, {msgs("a", {{2, 3}})});
  read_everything(h);
  EXPECT_EQ(types_of(h.check()), (Types{"poll-skip"}));
}

TEST(KafkaChecker, KeysDroppedByAnAssignAreForgotten) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.assign(1, {"b"});
  h.poll(1, {msgs("a", {{2, 3}})});
  read_everything(h);
  EXPECT_TRUE(h.check().anomalies.empty());
}

TEST(KafkaChecker, InfoAssignAlsoRestricts) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.assign(1, {"b"}, OpType::kInfo);
  h.poll(1, {msgs("a", {{2, 3}})});
  read_everything(h);
  EXPECT_TRUE(h.check().anomalies.empty());
}

TEST(KafkaChecker, InvokedAssignDoesNotRestrict) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.assign(1, {"b"}, OpType::kFail);  // only ok and info assigns count
  h.poll(1, {msgs("a", {{2, 3}})});
  read_everything(h);
  EXPECT_EQ(types_of(h.check()), (Types{"poll-skip"}));
}

TEST(KafkaChecker, NewProcessStartsFresh) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}, {1, 2}})});
  h.crash(1);
  h.poll(7, {msgs("a", {{0, 1}})});  // the thread's next process reads from 0
  read_everything(h);
  EXPECT_TRUE(h.check().anomalies.empty());
}

TEST(KafkaChecker, InfoPollDoesNotMoveTheBaseline) {
  HistoryBuilder h = per_process_setup();
  h.poll(1, {msgs("a", {{0, 1}})});
  h.invoke_poll(1).info_poll(1);
  h.poll(1, {msgs("a", {{1, 2}})});
  read_everything(h);
  EXPECT_TRUE(h.check().anomalies.empty());
}

// ---------------------------------------------------------------------------
// committed(op) for info sends

// The version order takes an info send's offset only when its message was
// read by an ok poll (must-have-committed?). An info send with an offset does
// not come from Maelstrom, but it shows the rule.
TEST(KafkaChecker, InfoSendCountsOnlyWhenItsMessageWasRead) {
  HistoryBuilder unread;
  unread.send(0, "a", 1, 0);
  unread.invoke_send(1, "a", 5).info_send(1, "a", 5, /*offset=*/0);
  unread.poll(2, {msgs("a", {{0, 1}})});
  EXPECT_TRUE(unread.check().anomalies.empty());

  HistoryBuilder read = unread;
  read.poll(3, {msgs("a", {{7, 5}})});  // 5 was read: the send committed, at offset 0
  EXPECT_EQ(types_of(read.check()), (Types{"duplicate", "inconsistent-offsets"}));
}

// lost-write keeps only messages whose writer committed. An info send's
// message that no ok poll read (an info poll placed it in the log) is not lost;
// the same message from an ok send is.
TEST(KafkaChecker, LostWriteIgnoresInfoSendsThatNeverCommitted) {
  HistoryBuilder info;
  info.send(0, "a", 1, 0);
  info.invoke_send(1, "a", 2).info_send(1, "a", 2);
  info.send(0, "a", 3, 2);
  info.invoke_poll(4).info_poll(4, {msgs("a", {{1, 2}})});
  info.poll(2, {msgs("a", {{0, 1}})});
  info.poll(3, {msgs("a", {{2, 3}})});
  EXPECT_TRUE(info.check().anomalies.empty()) << format_report(info.check());

  HistoryBuilder ok;
  ok.send(0, "a", 1, 0).send(1, "a", 2, 1).send(0, "a", 3, 2);
  ok.poll(2, {msgs("a", {{0, 1}})});
  ok.poll(3, {msgs("a", {{2, 3}})});
  EXPECT_EQ(types_of(ok.check()), (Types{"lost-write", "unseen"}));
}

// ---------------------------------------------------------------------------
// Where Jepsen's checker throws (verdict unknown)

// lost-write-cases takes (nth last-index->values -1) for a key that ok polls
// returned only as []: an IndexOutOfBoundsException in Jepsen.
TEST(KafkaChecker, KeyPolledOnlyAsEmptyIsUnknown) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0);
  h.poll(1, {msgs("a", {{0, 1}}), msgs("z", {})});
  const CheckResult result = h.check();
  EXPECT_TRUE(result.anomalies.empty());
  EXPECT_EQ(result.validity, Validity::kUnknown);
  EXPECT_NE(result.unknown_reason.find("only as [] (first: \"z\")"), std::string::npos)
      << result.unknown_reason;
}

TEST(KafkaChecker, NegativeOffsetIsUnknown) {
  HistoryBuilder h;
  h.send(0, "a", 1, -1);
  h.poll(1, {msgs("a", {{-1, 1}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kUnknown);
  EXPECT_NE(result.unknown_reason.find("negative offset -1"), std::string::npos);
}

// The log is gathered op by op while the history is recorded, but an info
// send enters it only once some ok poll has read its message: the problem
// named is still the first negative offset in history order.
TEST(KafkaChecker, NegativeOffsetNamedIsTheFirstInHistoryOrder) {
  HistoryBuilder h;
  h.invoke_send(0, "a", 5).info_send(0, "a", 5, -2);
  h.send(1, "b", 1, -1);
  h.poll(2, {msgs("a", {{0, 5}}), msgs("b", {{0, 1}})});
  const CheckResult result = h.check();
  EXPECT_NE(result.unknown_reason.find("negative offset -2 for key a"), std::string::npos)
      << result.unknown_reason;
  EXPECT_EQ(result.unknown_reason.find("negative offset -1"), std::string::npos)
      << result.unknown_reason;
}

// Jepsen's unseen uses merge-with set/difference, which copies a key found
// only in `polled`: when the last ok op is the first to touch a key, by a
// poll, what it read counts as unseen.
TEST(KafkaChecker, UnseenKeepsJepsensFirstTouchQuirk) {
  HistoryBuilder h;
  h.invoke_send(0, "b", 7);
  h.poll(1, {msgs("b", {{0, 7}})});
  h.ok_send(0, "b", 7, 0);
  EXPECT_EQ(h.check().validity, Validity::kValid);

  HistoryBuilder last;  // the same, but the poll is the last ok op
  last.invoke_send(0, "b", 7).invoke_poll(1);
  last.ok_send(0, "b", 7, 0);
  last.ok_poll(1, {msgs("b", {{0, 7}})});
  EXPECT_EQ(last.check().validity, Validity::kValid);  // the send touched "b" first

  HistoryBuilder quirk;
  quirk.invoke_send(0, "b", 7).invoke_poll(1);
  quirk.info_send(0, "b", 7).ok_poll(1, {msgs("b", {{0, 7}})});
  const CheckResult result = quirk.check();
  EXPECT_EQ(types_of(result), (Types{"unseen"}));
  EXPECT_EQ(anomaly_of(result, "unseen").examples[0], R"({"count":1,"key":"b","messages":[7]})");
}

// ---------------------------------------------------------------------------
// Statistics, availability, verdict

TEST(KafkaChecker, StatsProblemWithoutAnOkAssign) {
  HistoryBuilder h;
  h.assign(0, {"a"}, OpType::kInfo);
  h.send(1, "a", 1, 0);
  h.poll(1, {msgs("a", {{0, 1}})});
  h.crash(2);  // crash is never ok, and that is fine
  const CheckResult result = h.check();
  EXPECT_TRUE(result.anomalies.empty());
  EXPECT_EQ(result.stats_problems,
            std::vector<std::string>{"assign: no ok completion (1 info, 0 fail)"});
  EXPECT_EQ(result.validity, Validity::kInvalid);
}

TEST(KafkaChecker, AvailabilityAndLatencyQuantiles) {
  HistoryBuilder h;
  // 20 sends by process 0 taking 1, 2, ... 20 ms; then 1 info poll (5 ms)
  // and a crash (0 ms).
  int64_t now_ms = 0;
  for (int64_t i = 1; i <= 20; ++i) {
    h.at_ms(now_ms).invoke_send(0, "a", i);
    now_ms += i;
    h.at_ms(now_ms).ok_send(0, "a", i, i - 1);
  }
  h.at_ms(now_ms).invoke_poll(0).at_ms(now_ms + 5).info_poll(0);
  h.at_ms(now_ms + 5).crash(1);
  Records all;
  for (int64_t i = 1; i <= 20; ++i) all.push_back({i - 1, i});
  h.at_ms(now_ms + 6).invoke_poll(2).at_ms(now_ms + 8).ok_poll(2, {msgs("a", all)});
  const CheckResult result = h.check();

  const FStats& send = result.by_f.at("send");
  EXPECT_EQ(send.invoke, 20);
  EXPECT_EQ(send.ok, 20);
  EXPECT_EQ(send.latency_ok.count, 20);
  EXPECT_DOUBLE_EQ(send.latency_ok.p50_ms, 10.0);  // nearest rank: the 10th of 20
  EXPECT_DOUBLE_EQ(send.latency_ok.p95_ms, 19.0);  // the 19th
  EXPECT_DOUBLE_EQ(send.latency_ok.p99_ms, 20.0);  // the 20th
  EXPECT_DOUBLE_EQ(send.latency_ok.max_ms, 20.0);
  const FStats& poll = result.by_f.at("poll");
  EXPECT_EQ(poll.invoke, 2);
  EXPECT_EQ(poll.ok, 1);
  EXPECT_EQ(poll.info, 1);
  EXPECT_EQ(poll.latency_ok.count, 1);
  EXPECT_DOUBLE_EQ(poll.latency_ok.max_ms, 2.0);
  EXPECT_EQ(poll.latency_all.count, 2);
  EXPECT_DOUBLE_EQ(poll.latency_all.p50_ms, 2.0);
  EXPECT_DOUBLE_EQ(poll.latency_all.max_ms, 5.0);
  EXPECT_EQ(result.by_f.at("crash").info, 1);
  // 21 ok completions of 23 invocations (20 sends, 2 polls, 1 crash).
  EXPECT_EQ(result.client_invocations, 23);
  EXPECT_DOUBLE_EQ(result.availability, 21.0 / 23.0);
  EXPECT_TRUE(result.stats_problems.empty());
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);

  CheckOptions total;
  total.availability_min = 1.0;
  EXPECT_EQ(h.check(total).validity, Validity::kInvalid);
  EXPECT_NE(h.check(total).availability_problem, "");
  CheckOptions loose;
  loose.availability_min = 0.9;
  EXPECT_EQ(h.check(loose).validity, Validity::kValid);
}

TEST(KafkaChecker, NemesisOpsAreIgnored) {
  HistoryBuilder h;
  h.nemesis("start-partition one");
  h.send(0, "a", 1, 0);
  h.nemesis("start-partition one");
  h.poll(1, {msgs("a", {{0, 1}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kValid);
  EXPECT_EQ(result.history_entries, 4);
  EXPECT_EQ(result.client_invocations, 2);
  EXPECT_EQ(result.by_f.count("nemesis"), 0u);
}

TEST(KafkaChecker, WorstRealtimeLag) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0);                     // offset 0 exists from 1 ms
  h.send(0, "a", 2, 1);                     // offset 1 exists from 3 ms
  h.poll(1, {msgs("a", {{0, 1}})});         // invoked at 4 ms, had not seen offset 1: lag 1 ms
  h.at_ms(10).invoke_poll(2);               // knows nothing of "a"...
  h.at_ms(11).ok_poll(2, {msgs("a", {})});  // ...since 1 ms: lag 9 ms
  h.poll(3, {msgs("a", {{0, 1}, {1, 2}})});
  const CheckResult result = h.check();
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
  EXPECT_EQ(result.worst_realtime_lag.lag_us, 9000);
  EXPECT_EQ(result.worst_realtime_lag.time_us, 10000);
  EXPECT_EQ(result.worst_realtime_lag.process, 2);
  EXPECT_EQ(result.worst_realtime_lag.key, "a");
  EXPECT_EQ(result.worst_realtime_lag_ms, 9);
  EXPECT_NE(format_report(result).find(
                "realtime lag: worst 9.000 ms (key \"a\", process 2, poll invoked at 0.010 s)\n"),
            std::string::npos)
      << format_report(result);
}

// ---------------------------------------------------------------------------
// Examples: how many, which

TEST(KafkaChecker, ExamplesAreCappedAndPickTheLargestSkips) {
  HistoryBuilder h;
  for (int64_t v = 1; v <= 30; ++v) h.send(0, "a", v, v - 1);
  // Process 1 reads 1, then 3 (delta 2), 6 (3), 10 (4), 15 (5), 21 (6), 28 (7).
  for (int64_t v : {1, 3, 6, 10, 15, 21, 28}) h.poll(1, {msgs("a", {{v - 1, v}})});
  Records all;
  for (int64_t m = 1; m <= 30; ++m) all.push_back({m - 1, m});
  h.poll(2, {msgs("a", all)});
  CheckOptions options;
  options.examples_max = 2;
  const CheckResult result = h.check(options);
  const Anomaly& skips = anomaly_of(result, "poll-skip");
  EXPECT_EQ(skips.count, 6);  // deltas 2, 3, 4, 5, 6, 7
  ASSERT_EQ(skips.examples.size(), 2u);
  EXPECT_EQ(skips.examples[0].rfind(R"({"delta":6,)", 0), 0u) << skips.examples[0];
  EXPECT_EQ(skips.examples[1].rfind(R"({"delta":7,)", 0), 0u) << skips.examples[1];
}

// ---------------------------------------------------------------------------
// Whole runs: the synthetic history, and broken variants of it

TEST(KafkaChecker, SyntheticHistoryIsValid) {
  SyntheticOptions options;
  options.completed_ops = 20'000;
  const History history = make_synthetic_history(options);
  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kValid) << format_report(result);
  EXPECT_TRUE(result.anomalies.empty());
  EXPECT_GT(result.by_f.at("assign").ok, 0);
  EXPECT_GT(result.by_f.at("crash").info, 0);
  EXPECT_GT(result.by_f.at("send").info, 0);
}

// Messages above 255 take the value table's hashed path, keys that are not
// small decimals the key map's: the verdict must not change.
TEST(KafkaChecker, LargeMessagesAndOddKeysGiveTheSameVerdict) {
  SyntheticOptions options;
  options.completed_ops = 5'000;
  History history = make_synthetic_history(options);
  const CheckResult plain = check_kafka(history);
  // "07" is not a canonical decimal, so it is a key of its own kind.
  const auto odd_key = [](auto& key) { key = "0" + std::string(std::string_view(key)); };
  const auto large = [](int64_t message) { return message * 1'000'003 - 500; };
  for (Op& op : history) {
    if (op.f == OpF::kSend) {
      odd_key(op.key);
      op.value = large(op.value);
    }
    for (std::string& key : op.keys) odd_key(key);
    for (PolledKey& polled : op.polled) {
      odd_key(polled.key);
      for (PolledRecord& record : polled.records) record.value = large(record.value);
    }
  }
  const CheckResult odd = check_kafka(history);
  EXPECT_EQ(odd.validity, Validity::kValid) << format_report(odd);
  EXPECT_EQ(odd.keys, plain.keys);
  EXPECT_EQ(odd.polled_values, plain.polled_values);
  EXPECT_EQ(odd.worst_realtime_lag.lag_us, plain.worst_realtime_lag.lag_us);
}

TEST(KafkaChecker, SameHistoryGivesTheSameBytes) {
  SyntheticOptions options;
  options.completed_ops = 5'000;
  options.seed = 7;
  const History history = make_synthetic_history(options);
  EXPECT_EQ(history, make_synthetic_history(options));
  const CheckResult a = check_kafka(history);
  const CheckResult b = check_kafka(history);
  EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  EXPECT_EQ(format_report(a), format_report(b));
  EXPECT_EQ(format_report(a).rfind("verdict: valid (no anomalies)\n", 0), 0u) << format_report(a);
}

TEST(KafkaChecker, SyntheticHistoryWithALostMessageIsCaught) {
  SyntheticOptions options;
  options.completed_ops = 5'000;
  History history = make_synthetic_history(options);
  // Drop message 3 of key "5" from every poll: a node that lost it.
  for (Op& op : history) {
    for (PolledKey& polled : op.polled) {
      if (polled.key != "5") continue;
      std::erase_if(polled.records, [](const PolledRecord& r) { return r.value == 3; });
    }
  }
  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_EQ(anomaly_of(result, "unseen").examples.at(0), R"({"count":1,"key":"5","messages":[3]})");
  EXPECT_GT(anomaly_of(result, "lost-write").count, 0);
  EXPECT_GT(anomaly_of(result, "poll-skip").count + anomaly_of(result, "int-poll-skip").count, 0);
}

TEST(KafkaChecker, SyntheticHistoryWithAReusedOffsetIsCaught) {
  SyntheticOptions options;
  options.completed_ops = 5'000;
  History history = make_synthetic_history(options);
  // The first two ok sends to key "3" report the same offset.
  std::optional<int64_t> first;
  for (Op& op : history) {
    if (op.f != OpF::kSend || op.type != OpType::kOk || op.key != "3") continue;
    if (!first) {
      first = op.offset;
    } else {
      op.offset = first;
      break;
    }
  }
  const CheckResult result = check_kafka(history);
  EXPECT_EQ(result.validity, Validity::kInvalid);
  EXPECT_EQ(anomaly_of(result, "inconsistent-offsets").count, 1);
  EXPECT_EQ(anomaly_of(result, "duplicate").count, 1);  // polls still see it at its own offset
}

// ---------------------------------------------------------------------------
// Report and JSON

TEST(KafkaChecker, ReportAndJson) {
  HistoryBuilder h;
  h.send(0, "a", 1, 0).send(0, "a", 2, 1);
  h.poll(1, {msgs("a", {{0, 1}})});
  const CheckResult result = h.check();
  const std::string report = format_report(result);
  EXPECT_EQ(report.rfind("verdict: invalid (anomalies: unseen)\n", 0), 0u) << report;
  EXPECT_NE(report.find("  unseen (bad): 1\n    {\"count\":1,\"key\":\"a\",\"messages\":[2]}\n"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("availability: 1.000000"), std::string::npos) << report;

  const nlohmann::json json = to_json(result);
  EXPECT_EQ(json["valid"], false);
  EXPECT_EQ(json["bad_anomaly_types"], nlohmann::json::array({"unseen"}));
  EXPECT_EQ(json["anomalies"]["unseen"]["count"], 1);
  EXPECT_EQ(json["anomalies"]["unseen"]["examples"][0]["messages"], nlohmann::json::array({2}));
  EXPECT_EQ(json["stats"]["by_f"]["send"]["ok"], 2);
  EXPECT_EQ(json["counts"]["acknowledged_sends"], 2);

  EXPECT_EQ(to_json(check_kafka({}))["valid"], true);
  HistoryBuilder phantom;
  phantom.send(0, "a", 1, 0).poll(1, {msgs("a", {{0, 1}, {1, 5}})});
  EXPECT_EQ(to_json(phantom.check())["valid"], "unknown");
}

}  // namespace
}  // namespace eddy::checker
