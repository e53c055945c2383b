// Envelope and encoding details of eddy-node's replies: unknown fields are
// ignored, msg_ids are echoed exactly, keys survive escaping both ways.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

TEST(Envelope, UnknownEnvelopeAndBodyFieldsAreIgnored) {
  // Maelstrom adds an `id` to every envelope; clients may add anything.
  KafkaSession node;
  node.init();
  node.write_line(
      R"({"id":17,"src":"c1","dest":"n0","extra":[1,{"x":2}],"body":{"type":"send","msg_id":50,"key":"k1","msg":5,"note":"ignored"}})");
  const json reply = node.expect_reply(50, "send_ok", {"offset"});
  ASSERT_TRUE(reply.is_object());
  const int64_t offset = reply["offset"];
  EXPECT_EQ(node.poll(json{{"k1", offset}}),
            (json{{"k1", json::array({json::array({offset, 5})})}}));
  node.expect_clean_exit();
}

TEST(Envelope, FieldOrderDoesNotMatter) {
  KafkaSession node;
  node.init();
  node.write_line(
      R"({"body":{"msg":6,"key":"k1","msg_id":51,"type":"send"},"dest":"n0","src":"c1"})");
  node.expect_reply(51, "send_ok", {"offset"});
  node.expect_clean_exit();
}

TEST(Envelope, LargeMsgIdIsEchoedExactly) {
  KafkaSession node;
  node.init();
  const int64_t big = INT64_MAX;
  node.write_line(node.envelope(json{{"type", "send"}, {"key", "k1"}, {"msg", 1}}, big).dump());
  node.expect_reply(big, "send_ok", {"offset"});
  node.expect_clean_exit();
}

TEST(Envelope, MsgIdOverInt64IsNotAnswered) {
  KafkaSession node;
  node.init();
  node.write_line(
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":9223372036854775808,"key":"k1","msg":1}})");
  node.send("k1", 2);  // the next line out is this send's reply
  const std::string log = node.expect_clean_exit();
  EXPECT_NE(log.find("field 'msg_id' must be an integer"), std::string::npos) << log;
}

TEST(Envelope, AwkwardKeysRoundTrip) {
  KafkaSession node;
  node.init();
  const std::vector<std::string> keys{"",
                                      "with space",
                                      "quote\" backslash\\ slash/",
                                      std::string("control\x01\x1f\t\n\r\b\f", 14),
                                      "\xc3\xa9t\xc3\xa9 \xf0\x9f\x99\x82",
                                      "9007199254740993"};
  json offsets = json::object();
  json expected = json::object();
  int msg = 0;
  for (const std::string& key : keys) {
    const int64_t offset = node.send(key, ++msg);
    offsets[key] = offset;
    expected[key] = json::array({json::array({offset, msg})});
  }
  EXPECT_EQ(node.poll(offsets), expected);
  node.commit(offsets);
  json listed_keys = json::array();
  for (const std::string& key : keys) listed_keys.push_back(key);
  EXPECT_EQ(node.list_committed(listed_keys), offsets);
  node.expect_clean_exit();
}

TEST(Envelope, RequestWithoutMsgIdIsServed) {
  // Maelstrom always sends a msg_id, but a request without one is still
  // served; its reply has no in_reply_to.
  KafkaSession node;
  node.init();
  node.write_line(R"({"src":"c1","dest":"n0","body":{"type":"send","key":"k1","msg":1}})");
  const json reply = node.read_message();
  ASSERT_TRUE(reply.is_object());
  EXPECT_EQ(reply["body"].value("type", json()), "send_ok") << reply;
  EXPECT_FALSE(reply["body"].contains("in_reply_to")) << reply;
  const int64_t offset = reply["body"].value("offset", int64_t{-1});
  EXPECT_EQ(node.poll(json{{"k1", 0}}), (json{{"k1", json::array({json::array({offset, 1})})}}));
  node.expect_clean_exit();
}

TEST(Envelope, ErrorRepliesBeforeInitUseTheAddressedName) {
  // Before init the node has no name: it answers as the dest it was sent to.
  KafkaSession node({}, "n7");
  const int64_t id = node.send_request(json{{"type", "send"}, {"key", "k1"}, {"msg", 1}});
  node.expect_error(id, 11);
  node.expect_clean_exit();
}

}  // namespace
}  // namespace eddy::testing
