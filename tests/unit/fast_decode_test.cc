// fast_decode (core/fast_decode.h): it takes the kafka workload's requests as
// Maelstrom sends them, answers exactly what the DOM path answers, and
// declines everything else so that the DOM path's rejections stay the
// reference. tests/property/fast_decode_property_test.cc checks the same
// contract on generated and mutated lines.
#include "core/fast_decode.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/json_codec.h"

namespace eddy::core {
namespace {

std::string line(std::string_view body_json) {
  return R"({"id":41,"src":"c1","dest":"n0","body":)" + std::string(body_json) + "}";
}

// The fast path takes the line and agrees with the DOM path on every field
// (encode_line writes them all).
void expect_taken(const std::string& text, const Limits& limits = Limits{}) {
  const std::optional<Message> fast = fast_decode(text, limits);
  ASSERT_TRUE(fast.has_value()) << "declined: " << text;
  const DecodeResult dom = decode_line_via_dom(text, limits);
  ASSERT_TRUE(dom.ok()) << dom.error().text;
  EXPECT_EQ(encode_line(*fast), encode_line(dom.value())) << text;
}

void expect_declined(const std::string& text, const Limits& limits = Limits{}) {
  EXPECT_FALSE(fast_decode(text, limits).has_value()) << "taken: " << text;
}

TEST(FastDecode, TakesTheKafkaRequestsAsMaelstromSendsThem) {
  expect_taken(line(R"({"type":"send","key":"k17","msg":1234,"msg_id":99})"));
  expect_taken(line(R"({"type":"poll","offsets":{"k17":120,"k3":98},"msg_id":100})"));
  expect_taken(line(R"({"type":"commit_offsets","offsets":{"k3":4,"k1":0},"msg_id":7})"));
  expect_taken(line(R"({"type":"list_committed_offsets","keys":["k3","k1","k3"],"msg_id":8})"));
  expect_taken(line(R"({"type":"poll","offsets":{},"msg_id":1})"));
  expect_taken(line(R"({"type":"list_committed_offsets","keys":[],"msg_id":1})"));
}

TEST(FastDecode, TakesFieldsInAnyOrderWithWhitespace) {
  expect_taken(R"( { "body" : { "msg_id" : 3 , "msg" : -5 , "key" : "a" , "type" : "send" } ,)"
               R"( "dest" : "n1" , "src" : "c9" } )");
  expect_taken(R"({"src":"c1","dest":"n0","body":{"type":"send","key":"k","msg":1}})");
}

TEST(FastDecode, TakesForwardedRequestsWithTheirOrigin) {
  expect_taken(line(R"({"type":"send","key":"k","msg":1,"origin":"c4","origin_msg_id":12,)"
                    R"("msg_id":5})"));
  expect_taken(line(R"({"type":"commit_offsets","offsets":{"k":2},"origin":"c4",)"
                    R"("origin_msg_id":12,"msg_id":5})"));
  expect_taken(line(R"({"type":"send","key":"k","msg":1,"in_reply_to":4})"));
}

TEST(FastDecode, TakesTheEdgesOfInt64) {
  expect_taken(line(R"({"type":"send","key":"k","msg":9223372036854775807,"msg_id":1})"));
  expect_taken(line(R"({"type":"send","key":"k","msg":-9223372036854775808,"msg_id":1})"));
  expect_taken(line(R"({"type":"poll","offsets":{"k":9223372036854775807},"msg_id":1})"));
}

TEST(FastDecode, SortsPollKeysAsTheDomPathDoes) {
  const std::optional<Message> fast =
      fast_decode(line(R"({"type":"poll","offsets":{"b":1,"a":2,"c":3},"msg_id":1})"), Limits{});
  ASSERT_TRUE(fast.has_value());
  const auto& offsets = std::get<PollBody>(fast->body).offsets;
  ASSERT_EQ(offsets.size(), 3u);
  EXPECT_EQ(offsets[0].first, "a");
  EXPECT_EQ(offsets[2].first, "c");
}

TEST(FastDecode, DeclinesWhatItCannotCompareWithTheDomPath) {
  // Escapes and raw control characters: the DOM path judges them.
  expect_declined(line(R"({"type":"send","key":"k\u0041","msg":1,"msg_id":1})"));
  expect_declined(line("{\"type\":\"send\",\"key\":\"k\x01\",\"msg\":1,\"msg_id\":1}"));
  // Messages other than integers are stored as the DOM path's compact text.
  expect_declined(line(R"({"type":"send","key":"k","msg":"text","msg_id":1})"));
  expect_declined(line(R"({"type":"send","key":"k","msg":1.5,"msg_id":1})"));
  expect_declined(line(R"({"type":"send","key":"k","msg":[1],"msg_id":1})"));
  expect_declined(line(R"({"type":"send","key":"k","msg":9223372036854775808,"msg_id":1})"));
  // Fields it does not know (the DOM path ignores them, after validating them).
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"msg_id":1,"extra":tru})"));
  expect_declined(R"({"src":"c1","dest":"n0","body":{"type":"send","key":"k","msg":1},"x":1})");
  // Types other than the four kafka requests.
  expect_declined(line(R"({"type":"read","key":"k","msg_id":1})"));
  expect_declined(line(R"({"type":"init","node_id":"n0","node_ids":["n0"],"msg_id":1})"));
  expect_declined(line(R"({"type":"sned","key":"k","msg":1,"msg_id":1})"));
}

TEST(FastDecode, DeclinesEveryBadLine) {
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"msg_id":1.0})"));
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"msg_id":"1"})"));
  expect_declined(line(R"({"type":"send","key":7,"msg":1,"msg_id":1})"));
  expect_declined(line(R"({"type":"send","msg":1,"msg_id":1})"));
  expect_declined(line(R"({"type":"send","key":"k","msg_id":1})"));
  expect_declined(line(R"({"key":"k","msg":1,"msg_id":1})"));
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"origin":"c1","msg_id":1})"));
  expect_declined(line(R"({"type":"poll","offsets":{"k":-1},"msg_id":1})"));
  expect_declined(line(R"({"type":"poll","offsets":{"k":1,"k":2},"msg_id":1})"));
  expect_declined(line(R"({"type":"poll","offsets":[["k",1]],"msg_id":1})"));
  expect_declined(line(R"({"type":"poll","offsets":{"k":01},"msg_id":1})"));
  expect_declined(line(R"({"type":"list_committed_offsets","keys":["k",1],"msg_id":1})"));
  expect_declined(line(R"({"type":"send","type":"send","key":"k","msg":1,"msg_id":1})"));
  expect_declined(R"({"src":"c1","src":"c2","dest":"n0","body":{"type":"poll","offsets":{}}})");
  expect_declined(R"({"src":"c1","dest":"n0","body":{"type":"poll","offsets":{}}} x)");
  expect_declined(R"({"src":"c1","dest":"n0","body":{"type":"poll","offsets":{}}}})");
  expect_declined(R"({"src":"c1","dest":"n0","body":{"type":"poll","offsets":{})");
  expect_declined(R"({"src":1,"dest":"n0","body":{"type":"poll","offsets":{}}})");
  expect_declined(R"({"dest":"n0","body":{"type":"poll","offsets":{}}})");
  expect_declined(R"({"src":"c1","dest":"n0","body":[]})");
  expect_declined(R"({"src":"c1","dest":"n0","id":"x","body":{"type":"poll","offsets":{}}})");
  expect_declined(R"([{"src":"c1","dest":"n0","body":{"type":"poll","offsets":{}}}])");
  expect_declined("");
  expect_declined("   ");
}

TEST(FastDecode, LooksAtTheTypeBeforeParsing) {
  // Other types go straight to the DOM path...
  expect_declined(line(R"({"type":"gossip","first":1,"ack":0,"items":[]})"));
  expect_declined(R"({"src":"n0","dest":"n1","body":{"type":"spam","n":1}})");
  // ...a "type" that is a value is not the body's type...
  expect_taken(line(R"({"key":"type","type":"send","msg":1,"msg_id":1})"));
  expect_taken(line(R"({"type" : "poll","offsets":{"k":1}})"));
  // ...and a key named "type" before the body's type only costs the fast path.
  expect_declined(line(R"({"offsets":{"type":1},"type":"poll","msg_id":1})"));
  const DecodeResult slow =
      decode_line(line(R"({"offsets":{"type":1},"type":"poll","msg_id":1})"), Limits{});
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(std::get<PollBody>(slow.value().body).offsets.front().first, "type");
}

TEST(FastDecode, DeclinesWhatALimitForbids) {
  Limits limits;
  limits.key_bytes_max = 3;
  expect_declined(line(R"({"type":"send","key":"abcd","msg":1,"msg_id":1})"), limits);
  expect_declined(line(R"({"type":"poll","offsets":{"abcd":1},"msg_id":1})"), limits);
  expect_declined(line(R"({"type":"list_committed_offsets","keys":["abcd"],"msg_id":1})"), limits);
  expect_taken(line(R"({"type":"send","key":"abc","msg":1,"msg_id":1})"), limits);

  limits = Limits{};
  limits.request_keys_max = 2;
  expect_declined(line(R"({"type":"poll","offsets":{"a":1,"b":1,"c":1},"msg_id":1})"), limits);
  expect_declined(line(R"({"type":"list_committed_offsets","keys":["a","b","c"]})"), limits);
  expect_taken(line(R"({"type":"poll","offsets":{"a":1,"b":1},"msg_id":1})"), limits);

  limits = Limits{};
  limits.line_bytes_max = 40;
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"msg_id":1})"), limits);
  limits = Limits{};
  limits.json_depth_max = 2;
  expect_declined(line(R"({"type":"send","key":"k","msg":1,"msg_id":1})"), limits);
}

TEST(FastDecode, DecodeLineStillRejectsWhatTheFastPathDeclines) {
  // Through decode_line, a declined bad line meets the DOM path's error.
  const DecodeResult result =
      decode_line(line(R"({"type":"poll","offsets":{"k":-1},"msg_id":1})"), Limits{});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kMalformedRequest);
  EXPECT_EQ(result.error().msg_id, 1);
  EXPECT_NE(result.error().text.find("non-negative"), std::string::npos) << result.error().text;
}

}  // namespace
}  // namespace eddy::core
