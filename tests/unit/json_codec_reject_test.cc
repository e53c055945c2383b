// decode_line's rejections: every one is error 12 (malformed-request) with a
// text that names what was wrong, and keeps whatever envelope it could read so
// that the node can still answer the sender (DecodeError::replyable()).
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json_codec.h"

namespace eddy::core {
namespace {

std::string line(std::string_view body_json, std::string_view src = "c1",
                 std::string_view dest = "n1") {
  return R"({"src":")" + std::string(src) + R"(","dest":")" + std::string(dest) + R"(","body":)" +
         std::string(body_json) + "}";
}

DecodeError rejected(std::string_view text, const Limits& limits = Limits{}) {
  const DecodeResult result = decode_line(text, limits);
  if (result.ok()) {
    ADD_FAILURE() << "expected a rejection of: " << text.substr(0, 300);
    return DecodeError{ErrorCode::kTimeout, "<decoded>", {}, {}, {}};
  }
  return result.error();
}

// Code 12 and a text containing `text_part`.
testing::AssertionResult is_malformed(const DecodeError& error, std::string_view text_part) {
  if (error.code != ErrorCode::kMalformedRequest) {
    return testing::AssertionFailure()
           << "code " << static_cast<int32_t>(error.code) << ", want 12; text: " << error.text;
  }
  if (error.text.find(text_part) == std::string::npos) {
    return testing::AssertionFailure()
           << "text \"" << error.text << "\" does not contain \"" << text_part << "\"";
  }
  return testing::AssertionSuccess();
}

std::string nested_arrays(size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// --- not a message at all ---------------------------------------------------

TEST(JsonCodecReject, NotJson) {
  const DecodeError error = rejected("hello");
  EXPECT_TRUE(is_malformed(error, "not valid JSON"));
  EXPECT_FALSE(error.replyable());
}

TEST(JsonCodecReject, EmptyLine) { EXPECT_TRUE(is_malformed(rejected(""), "not valid JSON")); }

TEST(JsonCodecReject, TrailingGarbageAfterTheObject) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"init_ok"})") + " x"), "not valid JSON"));
}

TEST(JsonCodecReject, TruncatedJsonKeepsTheEnvelopeReadBeforeTheCut) {
  const DecodeError error =
      rejected(R"({"src":"c1","dest":"n1","body":{"type":"send","msg_id":7,"key":"k)");
  EXPECT_TRUE(is_malformed(error, "not valid JSON"));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.dest, "n1");
  EXPECT_EQ(error.msg_id, 7);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, AnArrayIsNotAMessage) {
  const DecodeError error = rejected("[1,2]");
  EXPECT_TRUE(is_malformed(error, "a message must be a JSON object, got an array"));
  EXPECT_FALSE(error.replyable());
}

TEST(JsonCodecReject, ScalarsAreNotMessages) {
  EXPECT_TRUE(is_malformed(rejected(R"("text")"), "must be a JSON object, got a string"));
  EXPECT_TRUE(is_malformed(rejected("42"), "must be a JSON object, got an integer"));
  EXPECT_TRUE(is_malformed(rejected("null"), "must be a JSON object, got null"));
}

// --- the envelope -----------------------------------------------------------

TEST(JsonCodecReject, MissingBody) {
  const DecodeError error = rejected(R"({"src":"c1","dest":"n1"})");
  EXPECT_TRUE(is_malformed(error, "missing field 'body'"));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.dest, "n1");
  EXPECT_FALSE(error.replyable());  // no msg_id to answer
}

TEST(JsonCodecReject, BodyNotAnObject) {
  EXPECT_TRUE(is_malformed(rejected(line("[1]")), "field 'body' must be an object"));
}

TEST(JsonCodecReject, MissingOrMistypedSrc) {
  EXPECT_TRUE(is_malformed(rejected(R"({"dest":"n1","body":{"type":"init_ok"}})"),
                           "field 'src' must be a string"));
  EXPECT_TRUE(is_malformed(rejected(R"({"src":3,"dest":"n1","body":{"type":"init_ok"}})"),
                           "field 'src' must be a string"));
}

TEST(JsonCodecReject, MissingDest) {
  const DecodeError error = rejected(R"({"src":"c1","body":{"type":"init_ok","msg_id":2}})");
  EXPECT_TRUE(is_malformed(error, "field 'dest' must be a string"));
  EXPECT_TRUE(error.replyable());
  EXPECT_FALSE(error.dest.has_value());
}

TEST(JsonCodecReject, MissingTypeIsReplyable) {
  const DecodeError error = rejected(line(R"({"msg_id":3,"key":"k"})"));
  EXPECT_TRUE(is_malformed(error, "missing field 'type'"));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.dest, "n1");
  EXPECT_EQ(error.msg_id, 3);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, TypeNotAString) {
  const DecodeError error = rejected(line(R"({"type":5,"msg_id":3})"));
  EXPECT_TRUE(is_malformed(error, "field 'type' must be a string, got an integer"));
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, MsgIdAsStringIsRejectedAndNotReplyable) {
  const DecodeError error = rejected(line(R"({"type":"send","msg_id":"7","key":"k","msg":1})"));
  EXPECT_TRUE(is_malformed(error, "field 'msg_id' must be an integer, got a string"));
  EXPECT_FALSE(error.msg_id.has_value());
  EXPECT_FALSE(error.replyable());
}

TEST(JsonCodecReject, FractionalMsgId) {
  const DecodeError error = rejected(line(R"({"type":"send","msg_id":1.5,"key":"k","msg":1})"));
  EXPECT_TRUE(is_malformed(error, "field 'msg_id' must be an integer, got a fractional number"));
  EXPECT_FALSE(error.replyable());
}

TEST(JsonCodecReject, MistypedInReplyTo) {
  const DecodeError error =
      rejected(line(R"({"type":"send_ok","msg_id":2,"in_reply_to":"x","offset":1})"));
  EXPECT_TRUE(is_malformed(error, "field 'in_reply_to' must be an integer, got a string"));
  EXPECT_TRUE(error.replyable());
}

// --- body fields --------------------------------------------------------------

TEST(JsonCodecReject, SendMissingMsgIsReplyable) {
  const DecodeError error = rejected(line(R"({"type":"send","msg_id":4,"key":"k"})"));
  EXPECT_TRUE(is_malformed(error, "missing field 'msg'"));
  EXPECT_EQ(error.msg_id, 4);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, SendWithNonStringKey) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"send","msg_id":4,"key":5,"msg":1})")),
                           "field 'key' must be a string key, got an integer"));
}

TEST(JsonCodecReject, PollWithStringOffset) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"k":"5"}})")),
                           "the offset of key 'k' must be a non-negative integer, got a string"));
}

TEST(JsonCodecReject, PollWithFractionalOffset) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"k":1.5}})")),
      "the offset of key 'k' must be a non-negative integer, got a fractional number"));
}

TEST(JsonCodecReject, PollWithWholeFloatOffset) {
  // nlohmann parses 1.0 as a float: an offset must be written as an integer.
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"k":1.0}})")),
      "the offset of key 'k' must be a non-negative integer, got a fractional number"));
}

TEST(JsonCodecReject, PollWithNegativeOffset) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"k":-1}})")),
                           "the offset of key 'k' must be a non-negative integer, got -1"));
}

TEST(JsonCodecReject, PollWithOffsetBeyondInt64) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"k":9223372036854775808}})")),
      "the offset of key 'k' must be a non-negative integer"));
}

TEST(JsonCodecReject, PollWithOffsetsNotAnObject) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll","msg_id":1,"offsets":["k"]})")),
                           "field 'offsets' must be an object of key -> offset, got an array"));
}

TEST(JsonCodecReject, CommitWithStringFractionalAndNegativeOffsets) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"commit_offsets","offsets":{"a":"1"}})")),
                           "the offset of key 'a' must be a non-negative integer, got a string"));
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"commit_offsets","offsets":{"a":1.0}})")),
                           "got a fractional number"));
  EXPECT_TRUE(
      is_malformed(rejected(line(R"({"type":"commit_offsets","offsets":{"a":-3}})")), "got -3"));
}

TEST(JsonCodecReject, SendOkWithStringOrFloatOffset) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"send_ok","in_reply_to":1,"offset":"1"})")),
                           "field 'offset' must be an integer, got a string"));
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"send_ok","in_reply_to":1,"offset":1.0})")),
                           "field 'offset' must be an integer, got a fractional number"));
}

TEST(JsonCodecReject, PollOkWithBadRecords) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll_ok","msgs":{"k":[[-1,5]]}})")),
                           "a record offset must be a non-negative integer offset, got -1"));
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll_ok","msgs":{"k":[[1]]}})")),
                           "a record of key 'k' must be an [offset, msg] pair"));
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"poll_ok","msgs":{"k":5}})")),
                           "the records of key 'k' must be an array"));
}

TEST(JsonCodecReject, ListWithNonStringKey) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"list_committed_offsets","keys":["a",1]})")),
                           "an entry of 'keys' must be a string key, got an integer"));
}

TEST(JsonCodecReject, ListWithKeysNotAnArray) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"list_committed_offsets","keys":{"a":1}})")),
                           "field 'keys' must be an array, got an object"));
}

TEST(JsonCodecReject, InitWhoseNodeIdsOmitTheNode) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"init","msg_id":1,"node_id":"n9","node_ids":["n1","n2"]})")),
      "field 'node_ids' does not include node_id 'n9'"));
}

TEST(JsonCodecReject, InitWithNonStringNodeIds) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1",2]})")),
      "field 'node_ids' must hold strings, got an integer"));
}

TEST(JsonCodecReject, CasWithNonBooleanCreateFlag) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"cas","key":1,"from":1,"to":2,"create_if_not_exists":"yes"})")),
      "field 'create_if_not_exists' must be a boolean"));
}

TEST(JsonCodecReject, ErrorCodeOutOfInt32Range) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"error","code":2147483648})")),
                           "field 'code' is out of range"));
}

TEST(JsonCodecReject, KvReadWithoutKey) {
  EXPECT_TRUE(is_malformed(rejected(line(R"({"type":"read","msg_id":1})")), "missing field 'key'"));
}

// --- limits -------------------------------------------------------------------

Limits small_key_limits() {
  Limits limits;
  limits.request_keys_max = 3;
  limits.key_bytes_max = 4;
  return limits;
}

TEST(JsonCodecReject, PollNamingTooManyKeys) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"poll","msg_id":1,"offsets":{"a":0,"b":0,"c":0,"d":0}})"),
               small_key_limits()),
      "field 'offsets' names 4 keys; request_keys_max is 3"));
}

TEST(JsonCodecReject, CommitNamingTooManyKeys) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"commit_offsets","msg_id":1,"offsets":{"a":0,"b":0,"c":0,"d":0}})"),
               small_key_limits()),
      "field 'offsets' names 4 keys; request_keys_max is 3"));
}

TEST(JsonCodecReject, ListNamingTooManyKeys) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"list_committed_offsets","msg_id":1,"keys":["a","b","c","d"]})"),
               small_key_limits()),
      "field 'keys' names 4 keys; request_keys_max is 3"));
}

TEST(JsonCodecReject, SendKeyOverKeyBytesMax) {
  const DecodeError error =
      rejected(line(R"({"type":"send","msg_id":2,"key":"abcde","msg":1})"), small_key_limits());
  EXPECT_TRUE(is_malformed(error, "field 'key' is 5 bytes; key_bytes_max is 4"));
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, PollAndCommitKeyOverKeyBytesMax) {
  EXPECT_TRUE(
      is_malformed(rejected(line(R"({"type":"poll","offsets":{"abcde":0}})"), small_key_limits()),
                   "a key is 5 bytes; key_bytes_max is 4"));
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"commit_offsets","offsets":{"abcde":0}})"), small_key_limits()),
      "a key is 5 bytes; key_bytes_max is 4"));
}

TEST(JsonCodecReject, ListKeyOverKeyBytesMax) {
  EXPECT_TRUE(is_malformed(
      rejected(line(R"({"type":"list_committed_offsets","keys":["abcde"]})"), small_key_limits()),
      "an entry of 'keys' is 5 bytes; key_bytes_max is 4"));
}

TEST(JsonCodecReject, LineOverLineBytesMaxStillProbesTheEnvelope) {
  const std::string text =
      line(R"({"type":"send","msg_id":9,"key":"k","msg":")" + std::string(200, 'x') + R"("})");
  Limits limits;
  limits.line_bytes_max = static_cast<int64_t>(text.size()) - 1;
  const DecodeError error = rejected(text, limits);
  EXPECT_TRUE(is_malformed(error, "line of " + std::to_string(text.size()) +
                                      " bytes exceeds line_bytes_max " +
                                      std::to_string(text.size() - 1)));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.dest, "n1");
  EXPECT_EQ(error.msg_id, 9);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, LineOverLineBytesMaxIsRejectedEvenIfNotJson) {
  const std::string text = R"({"src":"c2","body":{"msg_id":5,)" + std::string(100, '!');
  Limits limits;
  limits.line_bytes_max = 50;
  const DecodeError error = rejected(text, limits);
  EXPECT_TRUE(is_malformed(error, "exceeds line_bytes_max 50"));
  EXPECT_EQ(error.src, "c2");
  EXPECT_EQ(error.msg_id, 5);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, NestingOneDeeperThanJsonDepthMax) {
  Limits limits;
  limits.json_depth_max = 4;  // envelope 1 + body 2 + [[[ ]]] 5
  const DecodeError error =
      rejected(line(R"({"type":"send","msg_id":6,"key":"k","msg":[[[1]]]})"), limits);
  EXPECT_TRUE(is_malformed(error, "JSON nested deeper than json_depth_max 4"));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.msg_id, 6);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, HundredThousandLevelsAfterTheEnvelopeAreRejectedAndReplyable) {
  const std::string text =
      line(R"({"type":"send","msg_id":9,"key":"k","msg":)" + nested_arrays(100'000) + "}");
  const DecodeError error = rejected(text);
  EXPECT_TRUE(is_malformed(error, "JSON nested deeper than json_depth_max 64"));
  EXPECT_EQ(error.src, "c1");
  EXPECT_EQ(error.dest, "n1");
  EXPECT_EQ(error.msg_id, 9);
  EXPECT_TRUE(error.replyable());
}

TEST(JsonCodecReject, HundredThousandLevelsBeforeTheEnvelopeDoNotCrash) {
  const std::string text = R"({"body":{"msg":)" + nested_arrays(100'000) +
                           R"(,"msg_id":9,"type":"send","key":"k"},"src":"c1","dest":"n1"})";
  EXPECT_TRUE(is_malformed(rejected(text), "JSON nested deeper than json_depth_max 64"));
}

TEST(JsonCodecReject, HundredThousandUnclosedLevelsDoNotCrash) {
  const DecodeError error = rejected(std::string(100'000, '['));
  EXPECT_TRUE(is_malformed(error, "nested deeper"));
  EXPECT_FALSE(error.replyable());
}

TEST(JsonCodecReject, HundredThousandNestedObjectsDoNotCrash) {
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += R"({"a":)";
  deep += "1";
  deep += std::string(100'000, '}');
  const DecodeError error =
      rejected(line(R"({"type":"send","msg_id":3,"key":"k","msg":)" + deep + "}"));
  EXPECT_TRUE(is_malformed(error, "nested deeper"));
  EXPECT_EQ(error.msg_id, 3);
}

// --- DecodeError itself ---------------------------------------------------------

TEST(DecodeError, ReplyableNeedsBothSenderAndMsgId) {
  DecodeError error;
  EXPECT_FALSE(error.replyable());
  error.src = "c1";
  EXPECT_FALSE(error.replyable());
  error.msg_id = 0;
  EXPECT_TRUE(error.replyable());
  error.src.reset();
  EXPECT_FALSE(error.replyable());
}

TEST(DecodeError, DefaultsToMalformedRequest) {
  EXPECT_EQ(DecodeError{}.code, ErrorCode::kMalformedRequest);
}

}  // namespace
}  // namespace eddy::core
