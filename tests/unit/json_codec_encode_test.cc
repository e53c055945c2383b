// encode_line: the exact text Eddy puts on the wire, string escaping, and
// encode -> decode round trips for every body type.
#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_codec.h"
#include "core/json_writer.h"

namespace eddy::core {
namespace {

Message message(std::string src, std::string dest, std::optional<int64_t> msg_id,
                std::optional<int64_t> in_reply_to, Body body) {
  return Message{std::move(src), std::move(dest), msg_id, in_reply_to, std::move(body)};
}

Value json_value(std::string_view text) { return Value::from_json_text(text); }

// Encodes, decodes the line and encodes again: both lines must be identical.
testing::AssertionResult round_trips(const Message& original) {
  const std::string first = encode_line(original);
  if (first.empty() || first.back() != '\n') {
    return testing::AssertionFailure() << "line does not end in a newline: " << first;
  }
  const std::string_view without_newline(first.data(), first.size() - 1);
  if (without_newline.find('\n') != std::string_view::npos) {
    return testing::AssertionFailure() << "line holds a raw newline: " << first;
  }
  DecodeResult decoded = decode_line(without_newline, Limits{});
  if (!decoded.ok()) {
    return testing::AssertionFailure()
           << "decode failed: " << decoded.error().text << "\n  line: " << first;
  }
  const std::string second = encode_line(decoded.value());
  if (second != first) {
    return testing::AssertionFailure() << "re-encoded differs:\n  " << first << "  " << second;
  }
  if (decoded.value().body.index() != original.body.index()) {
    return testing::AssertionFailure() << "body type changed: " << body_type(decoded.value().body);
  }
  return testing::AssertionSuccess();
}

std::string escaped(std::string_view text) {
  std::string out;
  append_string(out, text);
  return out;
}

// --- exact text ---------------------------------------------------------------

TEST(JsonCodecEncode, SendOkReply) {
  EXPECT_EQ(
      encode_line(message("n1", "c1", 3, 2, SendOkBody{41})),
      R"({"src":"n1","dest":"c1","body":{"type":"send_ok","msg_id":3,"in_reply_to":2,"offset":41}})"
      "\n");
}

TEST(JsonCodecEncode, InitOkReply) {
  EXPECT_EQ(encode_line(message("n1", "c0", 1, 1, InitOkBody{})),
            R"({"src":"n1","dest":"c0","body":{"type":"init_ok","msg_id":1,"in_reply_to":1}})"
            "\n");
}

TEST(JsonCodecEncode, ErrorWithoutMsgId) {
  EXPECT_EQ(
      encode_line(message("n1", "c1", std::nullopt, 5, ErrorBody{11, "busy"})),
      R"({"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":5,"code":11,"text":"busy"}})"
      "\n");
}

TEST(JsonCodecEncode, PollOkWithMixedMessages) {
  PollOkBody poll_ok;
  poll_ok.msgs.emplace_back("k1", std::vector<Record>{{0, Value(9)}, {1, json_value(R"("x")")}});
  poll_ok.msgs.emplace_back("k2", std::vector<Record>{{7, json_value(R"({"a":[1,null]})")}});
  EXPECT_EQ(encode_line(message("n1", "c1", 4, 3, std::move(poll_ok))),
            R"({"src":"n1","dest":"c1","body":{"type":"poll_ok","msg_id":4,"in_reply_to":3,)"
            R"("msgs":{"k1":[[0,9],[1,"x"]],"k2":[[7,{"a":[1,null]}]]}}})"
            "\n");
}

TEST(JsonCodecEncode, EmptyPollOkAndListOk) {
  EXPECT_EQ(
      encode_line(message("n1", "c1", 4, 3, PollOkBody{})),
      R"({"src":"n1","dest":"c1","body":{"type":"poll_ok","msg_id":4,"in_reply_to":3,"msgs":{}}})"
      "\n");
  EXPECT_EQ(
      encode_line(message("n1", "c1", 5, 4, ListCommittedOffsetsOkBody{})),
      R"({"src":"n1","dest":"c1","body":{"type":"list_committed_offsets_ok","msg_id":5,"in_reply_to":4,"offsets":{}}})"
      "\n");
}

TEST(JsonCodecEncode, ListCommittedOffsetsOk) {
  EXPECT_EQ(
      encode_line(message("n1", "c1", 5, 4, ListCommittedOffsetsOkBody{{{"a", 3}, {"b", 0}}})),
      R"({"src":"n1","dest":"c1","body":{"type":"list_committed_offsets_ok","msg_id":5,"in_reply_to":4,"offsets":{"a":3,"b":0}}})"
      "\n");
}

TEST(JsonCodecEncode, KvCasWritesCreateFlagOnlyWhenSet) {
  EXPECT_EQ(
      encode_line(message("n1", "lin-kv", 6, std::nullopt,
                          KvCasBody{json_value(R"("k")"), Value(1), Value(2), true})),
      R"({"src":"n1","dest":"lin-kv","body":{"type":"cas","msg_id":6,"key":"k","from":1,"to":2,"create_if_not_exists":true}})"
      "\n");
  EXPECT_EQ(
      encode_line(message("n1", "lin-kv", 7, std::nullopt,
                          KvCasBody{json_value(R"("k")"), Value(1), Value(2), false})),
      R"({"src":"n1","dest":"lin-kv","body":{"type":"cas","msg_id":7,"key":"k","from":1,"to":2}})"
      "\n");
}

TEST(JsonCodecEncode, KvReadWithoutMsgIdOrInReplyTo) {
  EXPECT_EQ(encode_line(message("n1", "lin-kv", std::nullopt, std::nullopt, KvReadBody{Value(-3)})),
            R"({"src":"n1","dest":"lin-kv","body":{"type":"read","key":-3}})"
            "\n");
}

TEST(JsonCodecEncode, AppendsToTheGivenString) {
  std::string out = "prefix";
  encode_line(message("a", "b", std::nullopt, std::nullopt, KvWriteOkBody{}), out);
  EXPECT_EQ(out,
            "prefix"
            R"({"src":"a","dest":"b","body":{"type":"write_ok"}})"
            "\n");
}

// --- string escaping --------------------------------------------------------------

TEST(JsonWriter, QuotesAndBackslashAreEscaped) {
  EXPECT_EQ(escaped(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(escaped(R"(a\b)"), R"("a\\b")");
  EXPECT_EQ(escaped(R"(\")"), R"("\\\"")");
}

TEST(JsonWriter, ShortEscapesForCommonControlCharacters) {
  EXPECT_EQ(escaped("\n\r\t\b\f"), R"("\n\r\t\b\f")");
}

TEST(JsonWriter, OtherControlCharactersUseUnicodeEscapes) {
  EXPECT_EQ(escaped(std::string_view("\x00", 1)), R"("\u0000")");
  EXPECT_EQ(escaped("\x01"), R"("\u0001")");
  EXPECT_EQ(escaped("\x1f"), R"("\u001f")");
  EXPECT_EQ(escaped("a\x0b"
                    "b"),
            R"("a\u000bb")");
}

TEST(JsonWriter, DeleteAndNonAsciiPassThrough) {
  EXPECT_EQ(escaped("\x7f"), "\"\x7f\"");
  const std::string unicode = "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80";  // héllo ✓ 😀
  EXPECT_EQ(escaped(unicode), "\"" + unicode + "\"");
}

TEST(JsonWriter, EmptyString) { EXPECT_EQ(escaped(""), R"("")"); }

TEST(JsonWriter, AppendIntCoversTheInt64Range) {
  std::string out;
  append_int(out, 0);
  out.push_back(' ');
  append_int(out, -1);
  out.push_back(' ');
  append_int(out, std::numeric_limits<int64_t>::min());
  out.push_back(' ');
  append_int(out, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(out, "0 -1 -9223372036854775808 9223372036854775807");
}

// write_int is written by hand, for speed: it must write what std::to_chars
// writes, at every number of digits and at both ends of the range.
TEST(JsonWriter, WriteIntMatchesToChars) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  std::vector<int64_t> values = {0, kMin, kMin + 1, kMax, kMax - 1};
  for (int64_t value = -1000; value <= 1000; ++value) values.push_back(value);  // the in-line cases
  for (int64_t power = 1;; power *= 10) {
    for (const int64_t value : {power - 1, power, power + 1}) {
      values.push_back(value);
      values.push_back(-value);
    }
    if (power > kMax / 10) break;
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 20'000; ++i) {
    // Shifted by 0 to 63 bits: every length of number, negative ones at 0.
    const auto value = static_cast<int64_t>(random() >> (random() % 64));
    values.push_back(value);
    if (value != kMin) values.push_back(-value);
  }
  for (const int64_t value : values) {
    char expected[kIntBytesMax];
    char written[kIntBytesMax];
    const char* const expected_end = std::to_chars(expected, expected + kIntBytesMax, value).ptr;
    EXPECT_EQ(std::string_view(written, write_int(written, value)),
              std::string_view(expected, expected_end))
        << value;
  }
}

// append_string against nlohmann's serializer, which escapes what JSON
// requires the same way: the short escapes, \u00xx in lowercase hex for the
// other control characters, every other byte as it is (non-ASCII included).
TEST(JsonWriter, EscapesAsNlohmannDoes) {
  std::vector<std::string> texts;
  std::string every_ascii;
  for (int c = 0; c < 0x80; ++c) {
    const std::string byte(1, static_cast<char>(c));
    texts.push_back(byte);
    texts.push_back("a" + byte + "b");
    texts.push_back(byte + byte);
    every_ascii += byte;
  }
  texts.push_back(every_ascii);
  texts.push_back(every_ascii + "h\xc3\xa9llo \xe2\x9c\x93 \xf0\x9f\x98\x80" + every_ascii);
  texts.push_back(std::string(1000, 'x') + "\n" + std::string(1000, '\0'));
  for (const std::string& text : texts) {
    EXPECT_EQ(escaped(text), nlohmann::json(text).dump()) << nlohmann::json(text).dump();
  }
}

TEST(JsonCodecEncode, EscapedErrorTextDecodesBackToTheSameBytes) {
  const std::string text = std::string("quote \" backslash \\ newline \n tab \t nul ") +
                           std::string(1, '\0') + " bell \x07 unicode \xc3\xa9\xe2\x9c\x93";
  const std::string encoded = encode_line(message("n1", "c1", 2, 1, ErrorBody{12, text}));
  ASSERT_EQ(encoded.find('\n'), encoded.size() - 1) << "a raw newline would split the line";
  const DecodeResult decoded =
      decode_line(std::string_view(encoded).substr(0, encoded.size() - 1), Limits{});
  ASSERT_TRUE(decoded.ok()) << decoded.error().text;
  EXPECT_EQ(std::get<ErrorBody>(decoded.value().body).text, text);
}

TEST(JsonCodecEncode, EscapedKeysAndNodeNames) {
  EXPECT_EQ(
      encode_line(message("n\"1", "c\\1", std::nullopt, std::nullopt, SendBody{"k\n", Value(1)})),
      R"({"src":"n\"1","dest":"c\\1","body":{"type":"send","key":"k\n","msg":1}})"
      "\n");
}

// --- round trips ------------------------------------------------------------------

TEST(JsonCodecRoundTrip, Init) {
  EXPECT_TRUE(
      round_trips(message("c0", "n2", 1, std::nullopt, InitBody{"n2", {"n1", "n2", "n3"}})));
}

TEST(JsonCodecRoundTrip, InitOkAndEmptyReplies) {
  EXPECT_TRUE(round_trips(message("n1", "c0", 1, 1, InitOkBody{})));
  EXPECT_TRUE(round_trips(message("n1", "c0", 2, 1, CommitOffsetsOkBody{})));
  EXPECT_TRUE(round_trips(message("n1", "c0", 3, 1, KvWriteOkBody{})));
  EXPECT_TRUE(round_trips(message("n1", "c0", 4, 1, KvCasOkBody{})));
}

TEST(JsonCodecRoundTrip, Error) {
  EXPECT_TRUE(round_trips(message("n1", "c1", 7, 5, ErrorBody{22, "expected 1, got 2"})));
  EXPECT_TRUE(round_trips(message("n1", "c1", 7, 5, ErrorBody{1000, ""})));
}

TEST(JsonCodecRoundTrip, SendWithEveryKindOfMsg) {
  for (const char* msg : {"0", "-7", "9223372036854775807", "18446744073709551615", R"("s")",
                          "null", "true", "1.5", "[]", "{}", R"([1,"two",{"three":[3]}])"}) {
    SCOPED_TRACE(msg);
    EXPECT_TRUE(round_trips(message("c1", "n1", 2, std::nullopt, SendBody{"k", json_value(msg)})));
  }
}

TEST(JsonCodecRoundTrip, SendOkPollAndCommit) {
  EXPECT_TRUE(round_trips(message("n1", "c1", 3, 2, SendOkBody{1234567890123})));
  EXPECT_TRUE(round_trips(message("c1", "n1", 4, std::nullopt, PollBody{{{"a", 0}, {"b", 17}}})));
  EXPECT_TRUE(round_trips(message("c1", "n1", 5, std::nullopt, CommitOffsetsBody{{{"a", 3}}})));
}

TEST(JsonCodecRoundTrip, PollOk) {
  PollOkBody poll_ok;
  poll_ok.msgs.emplace_back("a", std::vector<Record>{{0, Value(1)}, {2, json_value("[1]")}});
  poll_ok.msgs.emplace_back("b", std::vector<Record>{{5, json_value(R"("five")")}});
  EXPECT_TRUE(round_trips(message("n1", "c1", 6, 4, std::move(poll_ok))));
}

TEST(JsonCodecRoundTrip, ListCommittedOffsetsAndReply) {
  EXPECT_TRUE(
      round_trips(message("c1", "n1", 7, std::nullopt, ListCommittedOffsetsBody{{"b", "a", "c"}})));
  EXPECT_TRUE(
      round_trips(message("n1", "c1", 8, 7, ListCommittedOffsetsOkBody{{{"a", 1}, {"b", 2}}})));
}

TEST(JsonCodecRoundTrip, KvBodies) {
  EXPECT_TRUE(
      round_trips(message("n1", "lin-kv", 9, std::nullopt, KvReadBody{json_value(R"("k")")})));
  EXPECT_TRUE(
      round_trips(message("lin-kv", "n1", 10, 9, KvReadOkBody{json_value(R"({"v":[1,2]})")})));
  EXPECT_TRUE(
      round_trips(message("n1", "lin-kv", 11, std::nullopt, KvWriteBody{Value(1), Value(2)})));
  EXPECT_TRUE(round_trips(message("n1", "lin-kv", 12, std::nullopt,
                                  KvCasBody{Value(1), json_value("null"), Value(3), true})));
  EXPECT_TRUE(round_trips(
      message("n1", "lin-kv", 13, std::nullopt, KvCasBody{Value(1), Value(2), Value(3), false})));
}

TEST(JsonCodecRoundTrip, UnknownBodyKeepsItsType) {
  const std::string encoded =
      encode_line(message("c1", "n1", 14, std::nullopt, UnknownBody{"echo"}));
  EXPECT_EQ(encoded, R"({"src":"c1","dest":"n1","body":{"type":"echo","msg_id":14}})"
                     "\n");
  EXPECT_TRUE(round_trips(message("c1", "n1", 14, std::nullopt, UnknownBody{"echo"})));
}

TEST(JsonCodecEncode, AVerbatimUnknownBodyIsWrittenAsItCame) {
  // A router's pass-through: the body as the sender wrote it, fields, order
  // and msg_id included; the envelope's msg_id is not written twice.
  const std::string body = R"({"type":"my_gossip","msg_id":7,"seen":[3,1],"z":{"a":null}})";
  const std::string encoded =
      encode_line(message("n1", "n2", 7, std::nullopt, UnknownBody{"my_gossip", body}));
  EXPECT_EQ(encoded, R"({"src":"n1","dest":"n2","body":)" + body + "}\n");
}

TEST(JsonCodecRoundTrip, DecodedFieldsMatchTheOriginal) {
  const Message original = message("c1", "n1", 42, 41, SendBody{"key-1", json_value(R"({"x":1})")});
  const std::string encoded = encode_line(original);
  const DecodeResult decoded =
      decode_line(std::string_view(encoded).substr(0, encoded.size() - 1), Limits{});
  ASSERT_TRUE(decoded.ok()) << decoded.error().text;
  const Message& m = decoded.value();
  EXPECT_EQ(m.src, "c1");
  EXPECT_EQ(m.dest, "n1");
  EXPECT_EQ(m.msg_id, 42);
  EXPECT_EQ(m.in_reply_to, 41);
  const auto& send = std::get<SendBody>(m.body);
  EXPECT_EQ(send.key, "key-1");
  EXPECT_EQ(send.msg, json_value(R"({"x":1})"));
}

}  // namespace
}  // namespace eddy::core
