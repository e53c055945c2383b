// History JSON lines: every op shape survives a write and a read; bad input
// is refused with the line and the field that is wrong.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <sstream>
#include <streambuf>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "checker/history.h"
#include "checker/history_io.h"
#include "checker/synthetic_history.h"
#include "tests/unit/escape_text.h"

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

// Every field at its longest: integers at the ends of int64, text where each
// byte needs an escape of six. The writer sizes each line before it writes it
// (and checks that bound in debug builds); the text must come back as it was,
// and write_history must write what append_op_line writes.
TEST(HistoryIo, LongestFieldsRoundTrip) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string text = test_support::text_needing_every_escape();
  History history;
  const auto add = [&](Op op) {
    op.time_us = kMin;
    op.error = text;
    op.node = text;
    op.client = text + text;
    history.push_back(std::move(op));
  };
  Op send = make_op(kMax, OpType::kOk, OpF::kSend);
  send.key = text;
  send.value = kMin + 1;
  send.offset = kMin;
  add(send);
  send.value = kNonIntegerValue;
  send.offset = kMax;
  add(send);
  Op poll = make_op(kMax, OpType::kOk, OpF::kPoll);
  // Keys in the order they come back in (sorted).
  poll.polled = {PolledKey{"", {}}, PolledKey{text, {{kMin, kMax}, {kMax, kNonIntegerValue}}}};
  add(poll);
  Op assign = make_op(kMax, OpType::kOk, OpF::kAssign);
  assign.keys = {text, "", text};
  assign.seek_to_beginning = true;
  assign.committed = {{"", kMax}, {text, kMin}};
  add(assign);
  Op nemesis = make_op(kNemesisProcess, OpType::kInfo, OpF::kNemesis);
  nemesis.nemesis = text;
  add(nemesis);
  add(make_op(kMax, OpType::kInfo, OpF::kCrash));

  std::string lines;
  for (const Op& op : history) {
    const size_t start = lines.size();
    append_op_line(op, lines);
    ASSERT_EQ(lines.find('\n', start), lines.size() - 1);
    const auto back =
        parse_op_line(std::string_view(lines).substr(start, lines.size() - 1 - start));
    ASSERT_TRUE(back.ok()) << back.error();
    EXPECT_EQ(back.value(), op);
  }
  EXPECT_EQ(written(history), lines);
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

// The reader takes any JSON the format allows, not only what append_op_line
// writes: fields in any order, whitespace around every token, escapes.
TEST(HistoryIo, FieldsInAnyOrderWithWhitespace) {
  const History history = every_shape();
  std::string line;
  append_op_line(history[2], line);
  const auto expected = parse_op_line(line);
  ASSERT_TRUE(expected.ok()) << expected.error();
  EXPECT_EQ(expected.value(), history[2]);
  const auto back = parse_op_line(
      " \t{ \"client\" : \"c4\" ,\"offset\":12, \"node\":\"n0\",\r\n\"value\" :3,\"key\":\"7\","
      "\"f\":\"send\",\"type\":\"ok\",\"process\":0,\"time_us\":2007,\"index\":2 } \r\n");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history[2]);

  const auto poll = parse_op_line(
      R"({ "msgs" : { "7" : [ [ 11 , 2 ] , [12,3] ] , "10":[[3,1],[ 4 , null ]], "9" : [ ] },)"
      R"( "f":"poll", "type":"ok", "process":2, "time_us":5007, "index":5 })");
  ASSERT_TRUE(poll.ok()) << poll.error();
  EXPECT_EQ(poll.value(), history[5]);
}

TEST(HistoryIo, EscapesAreDecoded) {
  const auto op = parse_op_line(
      R"({"index":0,"time_us":0,"process":1,"type":"info","f":"send","key":"\u0037\u00e9",)"
      R"("value":2,"error":"\"q\" \\ \/ \b\f\n\r\t \ud83d\ude00 \u20AC \u0000!",)"
      R"("\u006eode":"n\u0030"})");
  ASSERT_TRUE(op.ok()) << op.error();
  EXPECT_EQ(op.value().key, "7\xc3\xa9");
  EXPECT_EQ(op.value().error,
            std::string("\"q\" \\ / \b\f\n\r\t \xf0\x9f\x98\x80 \xe2\x82\xac ") + '\0' + "!");
  EXPECT_EQ(op.value().node, "n0");  // an escaped field name is still the field

  // Text that is already UTF-8 is kept as it is.
  const auto utf8 = parse_op_line(
      "{\"index\":0,\"time_us\":0,\"process\":1,\"type\":\"info\",\"f\":\"crash\","
      "\"error\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}");
  ASSERT_TRUE(utf8.ok()) << utf8.error();
  EXPECT_EQ(utf8.value().error, "caf\xc3\xa9 \xf0\x9f\x98\x80");

  const auto error = [](const std::string& text) {
    return parse_op_line(R"({"index":0,"time_us":0,"process":1,"type":"info","f":"crash",)"
                         R"("error":")" +
                         text + "\"}");
  };
  EXPECT_EQ(error(R"(\ud83d)").error(), "not valid JSON");        // a lone high surrogate
  EXPECT_EQ(error(R"(\ud83d\u0041)").error(), "not valid JSON");  // not followed by a low one
  EXPECT_EQ(error(R"(\ude00)").error(), "not valid JSON");        // a lone low surrogate
  EXPECT_EQ(error(R"(\u12)").error(), "not valid JSON");          // too few hex digits
  EXPECT_EQ(error(R"(\x)").error(), "not valid JSON");            // no such escape
  EXPECT_EQ(error("tab\there").error(), "not valid JSON");        // a raw control character
  EXPECT_EQ(error("\xc3(").error(), "not valid JSON");            // not UTF-8
}

// Unknown fields, and known ones that do not apply to the op's f, are ignored
// whatever their value, as long as the line is JSON.
TEST(HistoryIo, UnknownFieldsAreIgnored) {
  const History history = every_shape();
  const auto op = parse_op_line(
      R"({"index":4,"extra":{"a":[1,-2.5e3,true,false,null,"x\"y",{}],"b":{"c":[]}},)"
      R"("time_us":4007,"process":2,"type":"invoke","f":"poll","key":7,"value":"v",)"
      R"("offset":1.5,"keys":"no","committed":[],"nemesis":3,"seek_to_beginning":true,)"
      R"("big":123456789012345678901234567890,"z":null})");
  ASSERT_TRUE(op.ok()) << op.error();
  EXPECT_EQ(op.value(), history[4]);

  const auto send = parse_op_line(
      R"({"index":0,"time_us":0,"process":1,"type":"invoke","f":"send","key":"k","value":1,)"
      R"("msgs":{"k":[[0,1]]},"keys":["k"],"committed":{"k":0},"nemesis":"n"})");
  ASSERT_TRUE(send.ok()) << send.error();
  EXPECT_TRUE(send.value().polled.empty());
  EXPECT_TRUE(send.value().keys.empty());
  EXPECT_FALSE(send.value().committed.has_value());
  EXPECT_TRUE(send.value().nemesis.empty());

  EXPECT_EQ(parse_op_line(R"({"index":0,"time_us":0,"process":1,"type":"invoke","f":"crash",)"
                          R"("extra":[1,}})")
                .error(),
            "not valid JSON");
  EXPECT_EQ(
      parse_op_line(R"({"index":0,"time_us":0,"process":1,"type":"invoke","f":"crash"} x)").error(),
      "not valid JSON");
}

// A field given twice: the last one counts, as in nlohmann's DOM.
TEST(HistoryIo, TheLastOfARepeatedFieldCounts) {
  const auto op =
      parse_op_line(R"({"index":7,"time_us":0,"process":1,"type":"ok","f":"assign","keys":["a"],)"
                    R"("committed":{"b":2,"a":1,"b":3},"index":0,"keys":["c","d"]})");
  ASSERT_TRUE(op.ok()) << op.error();
  EXPECT_EQ(op.value().index, 0);
  EXPECT_EQ(op.value().keys, (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(op.value().committed,
            (std::vector<std::pair<std::string, int64_t>>{{"a", 1}, {"b", 3}}));
}

// committed: absent is nullopt, present (even empty) is engaged, sorted by key.
TEST(HistoryIo, CommittedOffsets) {
  const std::string prefix =
      R"({"index":0,"time_us":0,"process":1,"type":"ok","f":"assign","keys":["b","a"])";
  const auto absent = parse_op_line(prefix + "}");
  ASSERT_TRUE(absent.ok()) << absent.error();
  EXPECT_FALSE(absent.value().committed.has_value());

  const auto empty = parse_op_line(prefix + R"(,"committed":{ }})");
  ASSERT_TRUE(empty.ok()) << empty.error();
  ASSERT_TRUE(empty.value().committed.has_value());
  EXPECT_TRUE(empty.value().committed->empty());

  const auto some = parse_op_line(prefix + R"(,"committed":{"b":7,"a":0,"10":3}})");
  ASSERT_TRUE(some.ok()) << some.error();
  EXPECT_EQ(some.value().committed,
            (std::vector<std::pair<std::string, int64_t>>{{"10", 3}, {"a", 0}, {"b", 7}}));
  EXPECT_EQ(some.value().keys, (std::vector<std::string>{"b", "a"}));

  EXPECT_EQ(parse_op_line(prefix + R"(,"committed":[]})").error(), "committed must be an object");
  EXPECT_EQ(parse_op_line(prefix + R"(,"committed":{"a":null}})").error(),
            "a committed offset must be an integer");
}

TEST(HistoryIo, ProcessAndSeekToBeginning) {
  const std::string prefix = R"({"index":0,"time_us":0,"type":"info","f":"assign","keys":[])";
  const auto nemesis = parse_op_line(prefix + R"(,"process":"nemesis"})");
  ASSERT_TRUE(nemesis.ok()) << nemesis.error();
  EXPECT_EQ(nemesis.value().process, kNemesisProcess);
  EXPECT_EQ(parse_op_line(prefix + R"(,"process":"nemesi"})").error(),
            "process must be an integer");
  // Anything but true is false.
  for (const char* value : {"false", "1", "\"true\"", "null", "[true]"}) {
    const auto op = parse_op_line(prefix + R"(,"process":3,"seek_to_beginning":)" + value + "}");
    ASSERT_TRUE(op.ok()) << op.error();
    EXPECT_FALSE(op.value().seek_to_beginning) << value;
  }
}

TEST(HistoryIo, IntegersMustFitInt64) {
  const auto op = parse_op_line(
      R"({"index":9223372036854775807,"time_us":-0,"process":0,"type":"ok","f":"send",)"
      R"("key":"k","value":-9223372036854775807,"offset":0})");
  ASSERT_TRUE(op.ok()) << op.error();
  EXPECT_EQ(op.value().index, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(op.value().time_us, 0);
  EXPECT_EQ(op.value().value, -std::numeric_limits<int64_t>::max());

  const auto error = [](const std::string& index) {
    return parse_op_line(R"({"index":)" + index +
                         R"(,"time_us":0,"process":0,"type":"ok","f":"crash"})")
        .error();
  };
  EXPECT_EQ(error("9223372036854775808"), "index is out of range");
  EXPECT_EQ(error("-9223372036854775809"), "index must be an integer");  // a double to nlohmann
  EXPECT_EQ(error("99999999999999999999"), "index must be an integer");
  EXPECT_EQ(error("1.0"), "index must be an integer");
  EXPECT_EQ(error("1e2"), "index must be an integer");
  EXPECT_EQ(error("null"), "index must be an integer");
  EXPECT_EQ(error("01"), "not valid JSON");
  EXPECT_EQ(error("+1"), "not valid JSON");
  EXPECT_EQ(error("1e999"), "not valid JSON");  // nlohmann refuses a double that overflows
}

// A stream that cannot seek: read_history cannot count its lines ahead.
class PieceBuf : public std::streambuf {
 public:
  explicit PieceBuf(std::string text) : text_(std::move(text)) {}

 protected:
  int_type underflow() override {
    if (gptr() != nullptr && gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (next_ >= text_.size()) return traits_type::eof();
    const size_t size = std::min<size_t>(13, text_.size() - next_);
    char* const start = text_.data() + next_;
    setg(start, start, start + size);
    next_ += size;
    return traits_type::to_int_type(*start);
  }

 private:
  std::string text_;
  size_t next_ = 0;
};

TEST(HistoryIo, ReadsStreamsThatCannotSeek) {
  const History history = every_shape();
  PieceBuf buffer(written(history));
  std::istream in(&buffer);
  const auto back = read_history(in);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history);
}

TEST(HistoryIo, ReadsFromTheStreamsPosition) {
  const History history = every_shape();
  std::istringstream in("# a header line\n" + written(history));
  std::string header;
  std::getline(in, header);
  const auto back = read_history(in);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history);
}

// Lines end with "\n" or "\r\n"; the last one may have no end.
TEST(HistoryIo, LineEnds) {
  const auto back = read(R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"crash"})"
                         "\r\n\r\n \t\n"
                         R"({"index":1,"time_us":5,"process":0,"type":"info","f":"crash"})");
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().size(), 2u);
  EXPECT_EQ(read(std::string(R"({"index":0,"time_us":0,"process":0,"type":"invoke","f":"crash"})") +
                 "\n\f\n")
                .error(),
            "line 2: not valid JSON");
}

// Lines longer than the reader's buffer, in a history of several megabytes.
TEST(HistoryIo, LongLinesAndBigHistories) {
  History history;
  Op poll = make_op(0, OpType::kOk, OpF::kPoll);
  PolledKey polled{"k", {}};
  for (int64_t i = 0; i < 300'000; ++i) polled.records.push_back(PolledRecord{i, i * 7});
  poll.polled.push_back(std::move(polled));
  history.push_back(poll);
  SyntheticOptions options;
  options.completed_ops = 20'000;
  for (Op op : make_synthetic_history(options)) {
    op.index = static_cast<int64_t>(history.size());
    history.push_back(std::move(op));
  }
  history.push_back(poll);
  history.back().index = static_cast<int64_t>(history.size()) - 1;
  const std::string text = written(history);
  ASSERT_GT(text.size(), 3u << 20);
  const auto back = read(text);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value(), history);
}

}  // namespace
}  // namespace eddy::checker
