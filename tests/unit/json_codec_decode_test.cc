// decode_line: every body type Eddy speaks, read from Maelstrom's wire format
// (maelstrom doc/protocol.md, workload/kafka.clj, doc/services.md).
#include <gtest/gtest.h>

#include "tests/unit/body_of.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json_codec.h"

namespace eddy::core {
namespace {

// One line with the usual envelope around `body_json`.
std::string line(std::string_view body_json, std::string_view src = "c1",
                 std::string_view dest = "n1") {
  return R"({"src":")" + std::string(src) + R"(","dest":")" + std::string(dest) + R"(","body":)" +
         std::string(body_json) + "}";
}

Message decoded(std::string_view text, const Limits& limits = Limits{}) {
  DecodeResult result = decode_line(text, limits);
  if (!result.ok()) {
    ADD_FAILURE() << "decode failed: " << result.error().text << "\n  line: " << text;
    return Message{};
  }
  return std::move(result).value();
}

using test_support::body_of;

TEST(JsonCodecDecode, Init) {
  const Message m = decoded(
      line(R"({"type":"init","msg_id":1,"node_id":"n3","node_ids":["n1","n2","n3"]})", "c0", "n3"));
  EXPECT_EQ(m.src, "c0");
  EXPECT_EQ(m.dest, "n3");
  EXPECT_EQ(m.msg_id, 1);
  EXPECT_FALSE(m.in_reply_to.has_value());
  EXPECT_FALSE(m.is_reply());
  const auto& init = body_of<InitBody>(m);
  EXPECT_EQ(init.node_id, "n3");
  EXPECT_EQ(init.node_ids, (std::vector<std::string>{"n1", "n2", "n3"}));
}

TEST(JsonCodecDecode, InitOk) {
  const Message m = decoded(line(R"({"type":"init_ok","in_reply_to":1})", "n1", "c0"));
  body_of<InitOkBody>(m);
  EXPECT_EQ(m.in_reply_to, 1);
  EXPECT_TRUE(m.is_reply());
  EXPECT_FALSE(m.msg_id.has_value());
}

TEST(JsonCodecDecode, SendWithIntegerMsgKeepsItInline) {
  const Message m = decoded(line(R"({"type":"send","msg_id":2,"key":"k1","msg":7})"));
  EXPECT_EQ(m.msg_id, 2);
  const auto& send = body_of<SendBody>(m);
  EXPECT_EQ(send.key, "k1");
  ASSERT_TRUE(send.msg.is_integer());
  EXPECT_EQ(send.msg.integer(), 7);
}

TEST(JsonCodecDecode, SendWithNegativeIntegerMsg) {
  const auto& send = body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":-42})")));
  ASSERT_TRUE(send.msg.is_integer());
  EXPECT_EQ(send.msg.integer(), -42);
}

TEST(JsonCodecDecode, SendWithStringMsg) {
  const auto& send = body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":"hello"})")));
  EXPECT_FALSE(send.msg.is_integer());
  EXPECT_EQ(send.msg.to_json_text(), R"("hello")");
}

TEST(JsonCodecDecode, SendWithObjectMsgIsKeptAsCompactText) {
  const auto& send = body_of<SendBody>(
      decoded(line(R"({"type":"send","key":"k","msg":{ "b" : 1, "a" : [1, 2] }})")));
  EXPECT_FALSE(send.msg.is_integer());
  // nlohmann's object is a std::map: the compact text has sorted keys.
  EXPECT_EQ(send.msg.to_json_text(), R"({"a":[1,2],"b":1})");
}

TEST(JsonCodecDecode, SendWithArrayMsg) {
  const auto& send =
      body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":[1, "x", null, true]})")));
  EXPECT_EQ(send.msg.to_json_text(), R"([1,"x",null,true])");
}

TEST(JsonCodecDecode, SendWithNullMsg) {
  const auto& send = body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":null})")));
  EXPECT_FALSE(send.msg.is_integer());
  EXPECT_EQ(send.msg.to_json_text(), "null");
}

TEST(JsonCodecDecode, SendWithFloatMsg) {
  const auto& send = body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":1.5})")));
  EXPECT_FALSE(send.msg.is_integer());
  EXPECT_EQ(send.msg.to_json_text(), "1.5");
}

TEST(JsonCodecDecode, PollOffsetsComeOutSortedByKey) {
  const Message m =
      decoded(line(R"({"type":"poll","msg_id":3,"offsets":{"k2":5,"k1":0,"k10":7}})"));
  EXPECT_EQ(m.msg_id, 3);
  EXPECT_EQ(body_of<PollBody>(m).offsets, (KeyOffsets{{"k1", 0}, {"k10", 7}, {"k2", 5}}));
}

TEST(JsonCodecDecode, PollWithNoKeys) {
  EXPECT_TRUE(body_of<PollBody>(decoded(line(R"({"type":"poll","offsets":{}})"))).offsets.empty());
}

TEST(JsonCodecDecode, CommitOffsets) {
  const Message m =
      decoded(line(R"({"type":"commit_offsets","msg_id":4,"offsets":{"b":3,"a":9}})"));
  EXPECT_EQ(body_of<CommitOffsetsBody>(m).offsets, (KeyOffsets{{"a", 9}, {"b", 3}}));
}

TEST(JsonCodecDecode, ListCommittedOffsetsKeepsTheRequestOrder) {
  const Message m =
      decoded(line(R"({"type":"list_committed_offsets","msg_id":5,"keys":["k2","k1"]})"));
  EXPECT_EQ(body_of<ListCommittedOffsetsBody>(m).keys, (std::vector<std::string>{"k2", "k1"}));
}

TEST(JsonCodecDecode, ErrorWithText) {
  const Message m = decoded(line(R"({"type":"error","in_reply_to":5,"code":11,"text":"busy"})"));
  EXPECT_EQ(m.in_reply_to, 5);
  EXPECT_TRUE(m.is_reply());
  const auto& error = body_of<ErrorBody>(m);
  EXPECT_EQ(error.code, 11);
  EXPECT_EQ(error.text, "busy");
}

TEST(JsonCodecDecode, ErrorWithoutTextHasEmptyText) {
  const auto& error =
      body_of<ErrorBody>(decoded(line(R"({"type":"error","in_reply_to":5,"code":20})")));
  EXPECT_EQ(error.code, 20);
  EXPECT_EQ(error.text, "");
}

TEST(JsonCodecDecode, ErrorWithFreeRangeCode) {
  EXPECT_EQ(body_of<ErrorBody>(decoded(line(R"({"type":"error","code":1004})"))).code, 1004);
}

TEST(JsonCodecDecode, SendOk) {
  const Message m = decoded(line(R"({"type":"send_ok","in_reply_to":2,"offset":41})", "n1", "c1"));
  EXPECT_EQ(m.in_reply_to, 2);
  EXPECT_EQ(body_of<SendOkBody>(m).offset, 41);
}

TEST(JsonCodecDecode, PollOk) {
  const Message m = decoded(line(
      R"({"type":"poll_ok","in_reply_to":3,"msgs":{"k2":[[4,{"x":1}]],"k1":[[0,9],[1,"x"]]}})"));
  const auto& poll_ok = body_of<PollOkBody>(m);
  ASSERT_EQ(poll_ok.msgs.size(), 2u);
  EXPECT_EQ(poll_ok.msgs[0].first, "k1");
  ASSERT_EQ(poll_ok.msgs[0].second.size(), 2u);
  EXPECT_EQ(poll_ok.msgs[0].second[0].offset, 0);
  EXPECT_EQ(poll_ok.msgs[0].second[0].msg.to_json_text(), "9");
  EXPECT_EQ(poll_ok.msgs[0].second[1].offset, 1);
  EXPECT_EQ(poll_ok.msgs[0].second[1].msg.to_json_text(), R"("x")");
  EXPECT_EQ(poll_ok.msgs[1].first, "k2");
  ASSERT_EQ(poll_ok.msgs[1].second.size(), 1u);
  EXPECT_EQ(poll_ok.msgs[1].second[0].offset, 4);
  EXPECT_EQ(poll_ok.msgs[1].second[0].msg.to_json_text(), R"({"x":1})");
}

TEST(JsonCodecDecode, CommitOffsetsOk) {
  const Message m = decoded(line(R"({"type":"commit_offsets_ok","in_reply_to":4})"));
  body_of<CommitOffsetsOkBody>(m);
  EXPECT_EQ(m.in_reply_to, 4);
}

TEST(JsonCodecDecode, ListCommittedOffsetsOk) {
  const Message m =
      decoded(line(R"({"type":"list_committed_offsets_ok","in_reply_to":5,"offsets":{"k":3}})"));
  EXPECT_EQ(body_of<ListCommittedOffsetsOkBody>(m).offsets, (KeyOffsets{{"k", 3}}));
}

TEST(JsonCodecDecode, KvReadWithStringKey) {
  const auto& read = body_of<KvReadBody>(decoded(line(R"({"type":"read","msg_id":1,"key":"x"})")));
  EXPECT_EQ(read.key.to_json_text(), R"("x")");
}

TEST(JsonCodecDecode, KvReadWithIntegerKey) {
  const auto& read = body_of<KvReadBody>(decoded(line(R"({"type":"read","msg_id":1,"key":3})")));
  ASSERT_TRUE(read.key.is_integer());
  EXPECT_EQ(read.key.integer(), 3);
}

TEST(JsonCodecDecode, KvReadOk) {
  const auto& read_ok =
      body_of<KvReadOkBody>(decoded(line(R"({"type":"read_ok","in_reply_to":1,"value":[1,2]})")));
  EXPECT_EQ(read_ok.value.to_json_text(), "[1,2]");
}

TEST(JsonCodecDecode, KvWrite) {
  const auto& write =
      body_of<KvWriteBody>(decoded(line(R"({"type":"write","msg_id":1,"key":"x","value":5})")));
  EXPECT_EQ(write.key.to_json_text(), R"("x")");
  EXPECT_EQ(write.value.to_json_text(), "5");
}

TEST(JsonCodecDecode, KvWriteOkAndCasOk) {
  body_of<KvWriteOkBody>(decoded(line(R"({"type":"write_ok","in_reply_to":1})")));
  body_of<KvCasOkBody>(decoded(line(R"({"type":"cas_ok","in_reply_to":1})")));
}

TEST(JsonCodecDecode, KvCasWithoutCreateFlag) {
  const auto& cas =
      body_of<KvCasBody>(decoded(line(R"({"type":"cas","msg_id":1,"key":"x","from":1,"to":2})")));
  EXPECT_EQ(cas.key.to_json_text(), R"("x")");
  EXPECT_EQ(cas.from.to_json_text(), "1");
  EXPECT_EQ(cas.to.to_json_text(), "2");
  EXPECT_FALSE(cas.create_if_not_exists);
}

TEST(JsonCodecDecode, KvCasWithCreateIfNotExists) {
  const auto& cas = body_of<KvCasBody>(decoded(line(
      R"({"type":"cas","msg_id":1,"key":"x","from":null,"to":"y","create_if_not_exists":true})")));
  EXPECT_EQ(cas.from.to_json_text(), "null");
  EXPECT_EQ(cas.to.to_json_text(), R"("y")");
  EXPECT_TRUE(cas.create_if_not_exists);
}

TEST(JsonCodecDecode, KvCasWithCreateIfNotExistsFalse) {
  const auto& cas = body_of<KvCasBody>(
      decoded(line(R"({"type":"cas","key":"x","from":1,"to":2,"create_if_not_exists":false})")));
  EXPECT_FALSE(cas.create_if_not_exists);
}

TEST(JsonCodecDecode, UnknownTypeDecodesToUnknownBody) {
  const Message m = decoded(line(R"({"type":"echo","msg_id":8,"echo":"hi"})"));
  EXPECT_EQ(body_of<UnknownBody>(m).type, "echo");
  EXPECT_EQ(body_type(m.body), "echo");
  EXPECT_EQ(m.msg_id, 8);
}

TEST(JsonCodecDecode, UnknownEnvelopeFieldsAreIgnored) {
  // Maelstrom adds an `id` to the envelope.
  const Message m = decoded(
      R"({"id":17,"src":"c1","dest":"n1","body":{"type":"send_ok","offset":1},"extra":[1]})");
  EXPECT_EQ(m.src, "c1");
  EXPECT_EQ(body_of<SendOkBody>(m).offset, 1);
}

TEST(JsonCodecDecode, UnknownBodyFieldsAreIgnored) {
  const auto& send =
      body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":1,"ttl":3})")));
  EXPECT_EQ(send.key, "k");
}

TEST(JsonCodecDecode, FieldOrderDoesNotMatter) {
  const Message m =
      decoded(R"({"body":{"msg":3,"key":"k","msg_id":6,"type":"send"},"dest":"n1","src":"c2"})");
  EXPECT_EQ(m.src, "c2");
  EXPECT_EQ(m.dest, "n1");
  EXPECT_EQ(m.msg_id, 6);
  EXPECT_EQ(body_of<SendBody>(m).msg.integer(), 3);
}

TEST(JsonCodecDecode, LargestInt64MsgIdIsAccepted) {
  const Message m = decoded(line(R"({"type":"init_ok","msg_id":9223372036854775807})"));
  EXPECT_EQ(m.msg_id, std::numeric_limits<int64_t>::max());
}

TEST(JsonCodecDecode, KeyOfExactlyKeyBytesMaxIsAccepted) {
  Limits limits;
  limits.key_bytes_max = 4;
  EXPECT_EQ(body_of<SendBody>(decoded(line(R"({"type":"send","key":"abcd","msg":1})"), limits)).key,
            "abcd");
}

TEST(JsonCodecDecode, ExactlyRequestKeysMaxKeysAreAccepted) {
  Limits limits;
  limits.request_keys_max = 3;
  EXPECT_EQ(
      body_of<PollBody>(decoded(line(R"({"type":"poll","offsets":{"a":0,"b":0,"c":0}})"), limits))
          .offsets.size(),
      3u);
  EXPECT_EQ(body_of<ListCommittedOffsetsBody>(
                decoded(line(R"({"type":"list_committed_offsets","keys":["a","b","c"]})"), limits))
                .keys.size(),
            3u);
}

TEST(JsonCodecDecode, NestingOfExactlyJsonDepthMaxIsAccepted) {
  Limits limits;
  limits.json_depth_max = 4;  // envelope 1 + body 2 + [[ ]] 4
  const auto& send =
      body_of<SendBody>(decoded(line(R"({"type":"send","key":"k","msg":[[1]]})"), limits));
  EXPECT_EQ(send.msg.to_json_text(), "[[1]]");
}

TEST(JsonCodecDecode, LineOfExactlyLineBytesMaxIsAccepted) {
  const std::string text = line(R"({"type":"send","key":"k","msg":1})");
  Limits limits;
  limits.line_bytes_max = static_cast<int64_t>(text.size());
  EXPECT_EQ(body_of<SendBody>(decoded(text, limits)).key, "k");
}

}  // namespace
}  // namespace eddy::core
