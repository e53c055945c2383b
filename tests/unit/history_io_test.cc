// History JSON lines: every op shape survives a write and a read; bad input
// is refused with the line and the field that is wrong.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <utility>

#include "checker/history.h"
#include "checker/history_io.h"
#include "checker/synthetic_history.h"

namespace eddy::checker {
namespace {

Op make_op(int64_t process, OpType type, OpF f) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = f;
  return op;
}

// One of every shape a kafka run records, with indices and times filled in.
History every_shape() {
  History history;
  const auto add = [&](Op op) {
    op.index = static_cast<int64_t>(history.size());
    op.time_us = 1000 * op.index + 7;
    history.push_back(std::move(op));
  };
  Op nemesis = make_op(kNemesisProcess, OpType::kInfo, OpF::kNemesis);
  nemesis.nemesis = "start-partition majority [n0 n1] | [n2]";
  add(nemesis);

  Op send = make_op(0, OpType::kInvoke, OpF::kSend);
  send.key = "7";
  send.value = 3;
  send.node = "n0";
  send.client = "c4";
  add(send);
  send.type = OpType::kOk;
  send.offset = 12;
  add(send);
  Op info_send = make_op(1, OpType::kInfo, OpF::kSend);
  info_send.key = "8";
  info_send.value = kNonIntegerValue;  // a message that is not an integer: null
  info_send.error = "indeterminate: \"timed out\"\n";
  add(info_send);

  add(make_op(2, OpType::kInvoke, OpF::kPoll));
  Op poll = make_op(2, OpType::kOk, OpF::kPoll);
  poll.polled = {PolledKey{"10", {{3, 1}, {4, kNonIntegerValue}}},
                 PolledKey{"7", {{11, 2}, {12, 3}}}, PolledKey{"9", {}}};
  add(poll);
  Op info_poll = make_op(3, OpType::kInfo, OpF::kPoll);
  info_poll.error = "indeterminate: crash";
  add(info_poll);

  Op assign = make_op(4, OpType::kInvoke, OpF::kAssign);
  assign.keys = {"7", "2"};
  add(assign);
  assign.type = OpType::kOk;
  add(assign);
  Op final_assign = make_op(5, OpType::kOk, OpF::kAssign);
  final_assign.keys = {"2", "7", "8"};
  final_assign.seek_to_beginning = true;
  add(final_assign);
  Op empty_assign = make_op(6, OpType::kFail, OpF::kAssign);
  add(empty_assign);

  add(make_op(6, OpType::kInvoke, OpF::kCrash));
  add(make_op(6, OpType::kInfo, OpF::kCrash));
  return history;
}

std::string written(const History& history) {
  std::ostringstream out;
  write_history(history, out);
  return out.str();
}

core::Result<History, std::string> read(const std::string& text) {
  std::istringstream in(text);
  return read_history(in);
}

TEST(HistoryIo, EveryOpShapeRoundTrips) {
  const History history = every_shape();
  const auto back = read(written(history));
  ASSERT_TRUE(back.ok()) << back.error();
  ASSERT_EQ(back.value().size(), history.size());
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(back.value()[i], history[i]) << "op " << i;
  }
}

TEST(HistoryIo, LinesHaveAFixedFieldOrder) {
  const History history = every_shape();
  std::string line;
  append_op_line(history[0], line);
  EXPECT_EQ(line, R"({"index":0,"time_us":7,"process":"nemesis","type":"info","f":"nemesis",)"
                  R"("nemesis":"start-partition majority [n0 n1] | [n2]"})"
                  "\n");
  line.clear();
  append_op_line(history[2], line);
  EXPECT_EQ(line,
            R"({"index":2,"time_us":2007,"process":0,"type":"ok","f":"send","key":"7","value":3,)"
            R"("offset":12,"node":"n0","client":"c4"})"
            "\n");
  line.clear();
  append_op_line(history[3], line);
  EXPECT_EQ(line, R"({"index":3,"time_us":3007,"process":1,"type":"info","f":"send","key":"8",)"
                  R"("value":null,"error":"indeterminate: \"timed out\"\n"})"
                  "\n");
  line.clear();
  append_op_line(history[5], line);
  EXPECT_EQ(line, R"({"index":5,"time_us":5007,"process":2,"type":"ok","f":"poll",)"
                  R"("msgs":{"10":[[3,1],[4,null]],"7":[[11,2],[12,3]],"9":[]}})"
                  "\n");
  line.clear();
  append_op_line(history[9], line);
  EXPECT_EQ(line, R"({"index":9,"time_us":9007,"process":5,"type":"ok","f":"assign",)"
                  R"("keys":["2","7","8"],"seek_to_beginning":true})"
                  "\n");
}

// A poll's keys are a JSON object, which has no order: they come back sorted
// as strings. Records keep the node's order.
TEST(HistoryIo, PolledKeysComeBackSorted) {
  Op poll = make_op(0, OpType::kOk, OpF::kPoll);
  poll.polled = {PolledKey{"b", {{5, 1}, {2, 2}}}, PolledKey{"a", {}}};
  std::string line;
  append_op_line(poll, line);
  const auto back = parse_op_line(line);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().polled,
            (std::vector<PolledKey>{PolledKey{"a", {}}, PolledKey{"b", {{5, 1}, {2, 2}}}}));
}

TEST(HistoryIo, SyntheticRunRoundTrips) {
  SyntheticOptions options;
  options.completed_ops = 3'000;
  const History history = make_synthetic_history(options);
  const std::string text = written(history);
  const auto back = read(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history);
  EXPECT_EQ(written(back.value()), text);
}

TEST(HistoryIo, BlankLinesAreSkipped) {
  const auto back = read(
      "\n"
      R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"crash"})"
      "\n  \r\n"
      R"({"index":1,"time_us":5,"process":0,"type":"info","f":"crash"})"
      "\n");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().size(), 2u);
}

TEST(HistoryIo, ErrorsNameTheLine) {
  const std::string first = R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"poll"})";
  EXPECT_EQ(read(first + "\n{oops\n").error(), "line 2: not valid JSON");
  EXPECT_EQ(read(first + "\n\n[1,2]\n").error(), "line 3: not a JSON object");
  EXPECT_EQ(read(R"({"index":0,"process":0,"type":"invoke","f":"poll"})").error(),
            "line 1: missing field 'time_us'");
  EXPECT_EQ(read(first + "\n" + first).error(), "line 2: index 0 where 1 was expected");
  EXPECT_EQ(read(R"({"index":1,"time_us":0,"process":0,"type":"invoke","f":"poll"})").error(),
            "line 1: index 1 where 0 was expected");
}

TEST(HistoryIo, ErrorsNameTheField) {
  const auto error = [](const std::string& line) { return parse_op_line(line).error(); };
  EXPECT_EQ(error(R"({"index":0,"time_us":0,"process":0,"type":"done","f":"poll"})"),
            "type must be invoke, ok, fail or info");
  EXPECT_EQ(error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"txn"})"),
            "f must be send, poll, assign, crash or nemesis");
  EXPECT_EQ(error(R"({"index":0,"time_us":0,"process":-2,"type":"ok","f":"poll"})"),
            "process must be >= 0 or \"nemesis\"");
  EXPECT_EQ(
      error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"send","key":"a","value":1})"),
      "an ok send needs an offset");
  EXPECT_EQ(
      error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"send","key":7,"value":1})"),
      "key must be a string");
  EXPECT_EQ(
      error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"poll","msgs":{"a":[[1]]}})"),
      "a record of key 'a' must be [offset, value]");
  EXPECT_EQ(
      error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"poll","msgs":{"a":[[1.5,2]]}})"),
      "an offset must be an integer");
  EXPECT_EQ(error(R"({"index":0,"time_us":0,"process":0,"type":"ok","f":"assign","keys":"a"})"),
            "keys must be an array");
  EXPECT_EQ(
      error(R"({"index":18446744073709551615,"time_us":0,"process":0,"type":"ok","f":"crash"})"),
      "index is out of range");
}

}  // namespace
}  // namespace eddy::checker
