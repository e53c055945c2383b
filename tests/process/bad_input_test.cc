// Hostile and malformed input against eddy-node. Each test starts a node,
// initialises it and fills two logs, feeds one bad input, and then checks that
//  - the bad input got exactly the answer it deserves (an error reply with the
//    right code and in_reply_to when the sender can be known, nothing at all
//    otherwise: the next line out is the reply to the next good request);
//  - a valid request after it is still answered correctly;
//  - a poll shows every earlier send at its original offset (no corruption);
//  - the node exits 0 at end of input, and its stderr names the rejection.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kafka_session.h"

namespace eddy::testing {
namespace {

constexpr int kNotSupported = 10;
constexpr int kTemporarilyUnavailable = 11;
constexpr int kMalformedRequest = 12;

class BadInput : public ::testing::Test {
 protected:
  explicit BadInput(std::vector<std::string> args = {}) : node_(std::move(args)) {}

  void SetUp() override {
    node_.init();
    for (int msg : {10, 11, 12}) record("k1", msg);
    record("k2", 20);
  }

  void record(const std::string& key, const json& msg) {
    const int64_t offset = node_.send(key, msg);
    Records& log = model_[key];
    if (!log.empty()) {
      EXPECT_GT(offset, log.back().first) << "offsets of " << key << " must increase";
    }
    log.emplace_back(offset, msg);
  }

  // A raw line from c1 with msg_id `id` in its body, built by hand.
  static std::string raw(const std::string& body_fields, int64_t id) {
    return R"({"src":"c1","dest":"n0","body":{"msg_id":)" + std::to_string(id) + "," + body_fields +
           "}}";
  }

  // After the bad input: a valid send is answered with a larger offset, and a
  // poll from 0 returns every record, unchanged.
  void expect_still_serving() {
    record("k1", 13);
    json expected = json::object();
    json offsets = json::object();
    for (const auto& [key, log] : model_) {
      expected[key] = records_json(log);
      offsets[key] = 0;
    }
    EXPECT_EQ(node_.poll(offsets), expected) << "the log changed after a bad input";
  }

  // expect_still_serving(), then a clean exit whose stderr contains `needle`.
  void expect_survived(const std::string& needle) {
    expect_still_serving();
    const std::string log = node_.expect_clean_exit();
    EXPECT_NE(log.find(needle), std::string::npos)
        << "stderr does not mention '" << needle << "':\n"
        << log.substr(0, 4096);
  }

  // A bad line that must be logged and otherwise ignored: no reply at all.
  void expect_ignored(const std::string& line, const std::string& needle) {
    node_.write_line(line);
    expect_survived(needle);  // its first read must be the send_ok of the next send
  }

  // A bad request from c1 with msg_id `id` that must get error `code`.
  std::string expect_rejected(const std::string& line, int64_t id, int code,
                              Ms timeout = Ms(2'000)) {
    node_.write_line(line, Ms(5'000));
    return node_.expect_error(id, code, timeout);
  }

  KafkaSession node_;
  std::map<std::string, Records> model_;
};

// --- Lines that are not messages: no sender to answer, only a log line. ---

TEST_F(BadInput, NotJson) { expect_ignored("this is not json", "line is not valid JSON"); }

TEST_F(BadInput, BinaryGarbage) {
  std::string garbage;
  for (int i = 1; i < 256; ++i) {
    if (i != '\n') garbage.push_back(static_cast<char>(i));
  }
  expect_ignored(garbage, "rejected a message from an unknown sender");
}

TEST_F(BadInput, TruncatedJsonWithReadableEnvelopeIsAnswered) {
  // Not valid JSON, but src and msg_id come before the point where it breaks.
  const std::string text = expect_rejected(
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":77,"key":"k1","msg":)", 77,
      kMalformedRequest);
  EXPECT_NE(text.find("not valid JSON"), std::string::npos) << text;
  expect_survived("line is not valid JSON");
}

class NotAnObject : public BadInput, public ::testing::WithParamInterface<const char*> {};

TEST_P(NotAnObject, IsLoggedAndIgnored) {
  expect_ignored(GetParam(), "a message must be a JSON object");
}

INSTANTIATE_TEST_SUITE_P(Values, NotAnObject,
                         ::testing::Values("[1,2]", R"("x")", "42", "-1.5", "null", "true", "[]",
                                           R"([{"src":"c1","dest":"n0","body":{}}])"));

TEST_F(BadInput, ObjectWithoutBody) {
  expect_ignored(R"({"src":"c1","dest":"n0"})", "missing field 'body'");
}

TEST_F(BadInput, EmptyObject) { expect_ignored("{}", "rejected a message"); }

TEST_F(BadInput, BodyIsNotAnObject) {
  expect_ignored(R"({"src":"c1","dest":"n0","body":[{"msg_id":5}]})",
                 "field 'body' must be an object");
}

TEST_F(BadInput, MissingSrcIsNotAnswered) {
  // There is no one to answer, even though the body has a msg_id.
  expect_ignored(R"({"dest":"n0","body":{"type":"send","msg_id":5,"key":"k1","msg":1}})",
                 "field 'src' must be a string");
}

TEST_F(BadInput, NonIntegerMsgIdIsNotAnswered) {
  // A reply could not carry a usable in_reply_to.
  expect_ignored(
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":"5","key":"k1","msg":1}})",
      "field 'msg_id' must be an integer");
}

// --- Messages with a sender and a msg_id: answered with an error. ---

TEST_F(BadInput, BodyWithoutType) {
  const std::string text =
      expect_rejected(raw(R"("key":"k1","msg":1)", 900), 900, kMalformedRequest);
  EXPECT_NE(text.find("type"), std::string::npos) << text;
  expect_survived("missing field 'type'");
}

TEST_F(BadInput, TypeIsNotAString) {
  expect_rejected(raw(R"("type":7,"key":"k1","msg":1)", 901), 901, kMalformedRequest);
  expect_survived("field 'type' must be a string");
}

TEST_F(BadInput, UnknownTypeIsNotSupported) {
  const std::string text =
      expect_rejected(raw(R"("type":"frobnicate","key":"k1")", 902), 902, kNotSupported);
  EXPECT_NE(text.find("frobnicate"), std::string::npos) << text;
  expect_survived("");
}

TEST_F(BadInput, ReplyTypeWithoutInReplyToIsNotSupported) {
  // send_ok is a reply type; as a request it is not something the node serves.
  expect_rejected(raw(R"("type":"send_ok","offset":3)", 903), 903, kNotSupported);
  expect_survived("");
}

struct FieldCase {
  std::string name;
  std::string body_fields;  // everything in the body but msg_id
  std::string log_needle;   // what stderr (and the error text) must say
};

void PrintTo(const FieldCase& c, std::ostream* os) { *os << c.name; }

std::string FieldCaseName(const ::testing::TestParamInfo<FieldCase>& param_info) {
  return param_info.param.name;
}

class BadField : public BadInput, public ::testing::WithParamInterface<FieldCase> {};

TEST_P(BadField, IsMalformedRequest) {
  const FieldCase& c = GetParam();
  const std::string text = expect_rejected(raw(c.body_fields, 4242), 4242, kMalformedRequest);
  EXPECT_NE(text.find(c.log_needle), std::string::npos) << text;
  expect_survived(c.log_needle);
}

INSTANTIATE_TEST_SUITE_P(
    MissingFields, BadField,
    ::testing::Values(
        FieldCase{"SendWithoutKey", R"("type":"send","msg":1)", "missing field 'key'"},
        FieldCase{"SendWithoutMsg", R"("type":"send","key":"k1")", "missing field 'msg'"},
        FieldCase{"PollWithoutOffsets", R"("type":"poll")", "missing field 'offsets'"},
        FieldCase{"CommitWithoutOffsets", R"("type":"commit_offsets")", "missing field 'offsets'"},
        FieldCase{"ListWithoutKeys", R"("type":"list_committed_offsets")", "missing field 'keys'"}),
    FieldCaseName);

INSTANTIATE_TEST_SUITE_P(
    MistypedFields, BadField,
    ::testing::Values(
        FieldCase{"StringOffset", R"("type":"poll","offsets":{"k1":"0"})", "offset of key 'k1'"},
        FieldCase{"FractionalOffset", R"("type":"poll","offsets":{"k1":1.5})",
                  "a fractional number"},
        FieldCase{"WholeFloatOffset", R"("type":"poll","offsets":{"k1":1.0})",
                  "a fractional number"},
        FieldCase{"NegativeOffset", R"("type":"poll","offsets":{"k1":-1})", "got -1"},
        FieldCase{"NullOffset", R"("type":"poll","offsets":{"k1":null})", "got null"},
        FieldCase{"OffsetOverInt64", R"("type":"poll","offsets":{"k1":9223372036854775808})",
                  "offset of key 'k1'"},
        FieldCase{"OffsetsIsAnArray", R"("type":"poll","offsets":[["k1",0]])", "field 'offsets'"},
        FieldCase{"CommitStringOffset", R"("type":"commit_offsets","offsets":{"k1":"2"})",
                  "offset of key 'k1'"},
        FieldCase{"CommitFractionalOffset", R"("type":"commit_offsets","offsets":{"k1":2.5})",
                  "a fractional number"},
        FieldCase{"IntegerKey", R"("type":"send","key":5,"msg":1)", "field 'key' must be a string"},
        FieldCase{"NullKey", R"("type":"send","key":null,"msg":1)", "field 'key' must be a string"},
        FieldCase{"ArrayKey", R"("type":"send","key":["k1"],"msg":1)",
                  "field 'key' must be a string"},
        FieldCase{"KeysIsAString", R"("type":"list_committed_offsets","keys":"k1")",
                  "field 'keys' must be an array"},
        FieldCase{"KeysHoldsAnInteger", R"("type":"list_committed_offsets","keys":["k1",2])",
                  "an entry of 'keys' must be a string"},
        FieldCase{"KeyOverKeyBytesMax",
                  R"("type":"send","msg":1,"key":")" + std::string(1025, 'k') + R"(")",
                  "key_bytes_max"}),
    FieldCaseName);

TEST_F(BadInput, KeyAtKeyBytesMaxIsAccepted) {
  record(std::string(1024, 'k'), 1);
  expect_survived("");
}

TEST_F(BadInput, SecondInitWithAnotherIdIsRejected) {
  const int64_t id =
      node_.send_request(json{{"type", "init"}, {"node_id", "n9"}, {"node_ids", {"n9"}}});
  const std::string text = node_.expect_error(id, kMalformedRequest);
  EXPECT_NE(text.find("already initialised as n0"), std::string::npos) << text;
  // A retried identical init is harmless.
  node_.init();
  expect_survived("");
}

// --- Before init ---

TEST(BeforeInit, RequestsGetTemporarilyUnavailableAndChangeNothing) {
  KafkaSession node;
  for (const json& body :
       {json{{"type", "send"}, {"key", "k1"}, {"msg", 1}},
        json{{"type", "poll"}, {"offsets", {{"k1", 0}}}},
        json{{"type", "commit_offsets"}, {"offsets", {{"k1", 5}}}},
        json{{"type", "list_committed_offsets"}, {"keys", {"k1"}}}, json{{"type", "frobnicate"}}}) {
    const int64_t id = node.send_request(body);
    node.expect_error(id, kTemporarilyUnavailable);
  }
  node.init();
  // The refused send and commit did not happen (error 11 is definite).
  EXPECT_EQ(node.poll(json{{"k1", 0}}), json::object());
  EXPECT_EQ(node.list_committed(json{"k1"}), json::object());
  const int64_t offset = node.send("k1", 2);
  EXPECT_EQ(node.poll(json{{"k1", 0}}), (json{{"k1", json::array({json::array({offset, 2})})}}));
  node.expect_clean_exit();
}

TEST(BeforeInit, MultiNodeClusterIsRefusedBySingleStrategy) {
  KafkaSession node({"--strategy", "single"});
  node.init({"n0", "n1"});
  const int64_t id = node.send_request(json{{"type", "send"}, {"key", "k1"}, {"msg", 1}});
  node.expect_error(id, kTemporarilyUnavailable);
  const std::string log = node.expect_clean_exit();
  EXPECT_NE(log.find("one-node cluster only"), std::string::npos) << log;
}

// --- Oversized input ---

std::string ten_megabytes(char fill) { return std::string(10u << 20, fill); }

TEST_F(BadInput, TenMegabyteSendIsMalformed) {
  // src and msg_id come first; the 10 MB msg is over --line-bytes-max (1 MiB).
  const std::string line =
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":555,"key":"k1","msg":")" +
      ten_megabytes('a') + R"("}})";
  const std::string text = expect_rejected(line, 555, kMalformedRequest, Ms(10'000));
  EXPECT_NE(text.find("line_bytes_max"), std::string::npos) << text;
  expect_survived("exceeds line_bytes_max");
}

TEST_F(BadInput, TenMegabyteSendWithEnvelopeLastIsMalformed) {
  // The envelope is found even when it follows the 10 MB field.
  const std::string line = R"({"body":{"type":"send","key":"k1","msg":")" + ten_megabytes('b') +
                           R"(","msg_id":556},"dest":"n0","src":"c1"})";
  expect_rejected(line, 556, kMalformedRequest, Ms(10'000));
  expect_survived("exceeds line_bytes_max");
}

TEST_F(BadInput, TenMegabytesOfGarbageIsOnlyLogged) {
  expect_ignored(ten_megabytes('x'), "exceeds line_bytes_max");
}

TEST_F(BadInput, LineJustOverLineBytesMaxIsMalformed) {
  // 1 MiB + 1 byte exactly.
  const std::string head =
      R"({"src":"c1","dest":"n0","body":{"msg_id":557,"type":"send","key":"k1","msg":")";
  const std::string tail = R"("}})";
  const std::string line =
      head + std::string((1u << 20) + 1 - head.size() - tail.size(), 'z') + tail;
  ASSERT_EQ(line.size(), (1u << 20) + 1);
  expect_rejected(line, 557, kMalformedRequest);
  expect_survived("line of 1048577 bytes exceeds line_bytes_max 1048576");
}

TEST_F(BadInput, LineAtLineBytesMaxIsAccepted) {
  // Exactly 1 MiB: still decoded, and its msg comes back intact.
  const std::string head =
      R"({"src":"c1","dest":"n0","body":{"msg_id":558,"type":"send","key":"big","msg":")";
  const std::string tail = R"("}})";
  const std::string msg((1u << 20) - head.size() - tail.size(), 'q');
  node_.write_line(head + msg + tail);
  const json reply = node_.expect_reply(558, "send_ok", {"offset"});
  ASSERT_TRUE(reply.is_object());
  model_["big"].emplace_back(reply["offset"].get<int64_t>(), msg);
  expect_survived("");
}

// A node started with a small --held-line-bytes-max drops a longer line
// without holding it, and says so on stderr.
class HeldLimit : public BadInput {
 protected:
  HeldLimit() : BadInput({"--line-bytes-max", "4096", "--held-line-bytes-max", "65536"}) {}
};

TEST_F(HeldLimit, TenMegabyteLineIsDroppedUnread) {
  const std::string line =
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":559,"key":"k1","msg":")" +
      ten_megabytes('a') + R"("}})";
  expect_ignored(line, "dropped an input line of " + std::to_string(line.size()) + " bytes unread");
}

TEST_F(HeldLimit, LineBetweenTheLimitsIsAnswered) {
  const std::string line =
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":560,"key":"k1","msg":")" +
      std::string(8192, 'a') + R"("}})";
  expect_rejected(line, 560, kMalformedRequest);
  expect_survived("exceeds line_bytes_max");
}

// --- Deep nesting ---

std::string nested(size_t depth, const std::string& core = "1") {
  return std::string(depth, '[') + core + std::string(depth, ']');
}

TEST_F(BadInput, HundredThousandLevelsOfNesting) {
  const std::string line =
      R"({"src":"c1","dest":"n0","body":{"type":"send","msg_id":600,"key":"k1","msg":)" +
      nested(100'000) + "}}";
  const std::string text = expect_rejected(line, 600, kMalformedRequest);
  EXPECT_NE(text.find("json_depth_max"), std::string::npos) << text;
  expect_survived("nested deeper than json_depth_max");
}

TEST_F(BadInput, HundredThousandLevelsOfObjectNestingEnvelopeLast) {
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += R"({"a":)";
  deep += "1" + std::string(100'000, '}');
  const std::string line = R"({"body":{"type":"send","key":"k1","msg":)" + deep +
                           R"(,"msg_id":601},"src":"c1","dest":"n0"})";
  expect_rejected(line, 601, kMalformedRequest);
  expect_survived("nested deeper than json_depth_max");
}

TEST_F(BadInput, HundredThousandOpenBracketsOnly) {
  expect_ignored(std::string(100'000, '['), "nested deeper than json_depth_max");
}

TEST_F(BadInput, NestingAtDepthMaxIsAccepted) {
  // The envelope and body are 2 levels; 62 more make 64 = json_depth_max.
  const json msg = json::parse(nested(62));
  record("k1", msg);
  expect_survived("");
}

TEST_F(BadInput, NestingOneOverDepthMaxIsMalformed) {
  const std::string line = raw(R"("type":"send","key":"k1","msg":)" + nested(63), 602);
  expect_rejected(line, 602, kMalformedRequest);
  expect_survived("nested deeper than json_depth_max");
}

TEST_F(BadInput, BracketsInsideAStringAreNotNesting) {
  record("k1", std::string(100'000, '[') + "\"\\" + std::string(100'000, '{'));
  expect_survived("");
}

// --- Too many keys in one request (request_keys_max: 32768 by default) ---

std::string many_keys_object(int count) {
  std::string object = "{";
  for (int i = 0; i < count; ++i) {
    if (i > 0) object += ',';
    object += '"' + std::to_string(i) + "\":0";
  }
  return object + "}";
}

std::string many_keys_array(int count) {
  std::string array = "[";
  for (int i = 0; i < count; ++i) {
    if (i > 0) array += ',';
    array += '"' + std::to_string(i) + '"';
  }
  return array + "]";
}

// So that the key limit, not the line limit, is what trips.
class ManyKeys : public BadInput {
 protected:
  ManyKeys() : BadInput({"--line-bytes-max", "16777216"}) {}
};

TEST_F(ManyKeys, PollNamingHundredThousandKeys) {
  const std::string text = expect_rejected(
      raw(R"("type":"poll","offsets":)" + many_keys_object(100'000), 700), 700, kMalformedRequest);
  EXPECT_NE(text.find("request_keys_max"), std::string::npos) << text;
  expect_survived("names 100000 keys; request_keys_max is 32768");
}

TEST_F(ManyKeys, CommitNamingHundredThousandKeys) {
  expect_rejected(raw(R"("type":"commit_offsets","offsets":)" + many_keys_object(100'000), 701),
                  701, kMalformedRequest);
  EXPECT_EQ(node_.list_committed(json{"0", "1"}), json::object()) << "nothing was committed";
  expect_survived("request_keys_max is 32768");
}

TEST_F(ManyKeys, ListNamingHundredThousandKeys) {
  expect_rejected(raw(R"("type":"list_committed_offsets","keys":)" + many_keys_array(100'000), 702),
                  702, kMalformedRequest);
  expect_survived("request_keys_max is 32768");
}

TEST_F(BadInput, PollWithDefaultLimitsAndHundredThousandKeysIsMalformed) {
  // Whichever limit trips first, the answer is error 12.
  expect_rejected(raw(R"("type":"poll","offsets":)" + many_keys_object(100'000), 703), 703,
                  kMalformedRequest);
  expect_survived("rejected a message from c1");
}

// The boundary, at a lower limit set on the command line.
class KeyLimit : public BadInput {
 protected:
  KeyLimit() : BadInput({"--request-keys-max", "1024"}) {}
};

TEST_F(KeyLimit, PollAtRequestKeysMaxIsServed) {
  json offsets = json::parse(many_keys_object(1023));
  offsets["k1"] = 0;
  ASSERT_EQ(offsets.size(), 1024u);
  EXPECT_EQ(node_.poll(offsets), (json{{"k1", records_json(model_["k1"])}}));
  expect_survived("");
}

TEST_F(KeyLimit, PollOneOverRequestKeysMaxIsMalformed) {
  expect_rejected(raw(R"("type":"poll","offsets":)" + many_keys_object(1025), 704), 704,
                  kMalformedRequest);
  expect_survived("names 1025 keys; request_keys_max is 1024");
}

// --- Edge positions in a valid poll ---

TEST_F(BadInput, PollPastTheEndAndOfCommittedButEmptyKeys) {
  // A key that has a committed offset but no records, and offsets past the
  // end of a log, must read as empty (and not read out of bounds).
  node_.commit(json{{"empty", 3}});
  EXPECT_EQ(
      node_.poll(json{{"empty", 0}, {"k1", 1'000'000}, {"k2", model_["k2"].back().first + 1}}),
      json::object());
  EXPECT_EQ(node_.poll(json{{"k1", INT64_MAX}}), json::object());
  expect_survived("");
}

// --- Many bad inputs in a row, then the log is intact ---

TEST_F(BadInput, BarrageOfBadInputs) {
  const std::vector<std::string> ignored{"nope",
                                         "[1,2]",
                                         "\"x\"",
                                         "42",
                                         "{}",
                                         R"({"src":"c1","dest":"n0"})",
                                         std::string(10'000, '{'),
                                         "{\"src\":\"c1\"",
                                         "\xff\xfe\xfd"};
  for (const std::string& line : ignored) node_.write_line(line);
  const std::vector<std::pair<std::string, int>> answered{
      {raw(R"("type":"send","key":1,"msg":1)", 801), kMalformedRequest},
      {raw(R"("type":"poll","offsets":{"k1":1.5})", 802), kMalformedRequest},
      {raw(R"("type":"nope")", 803), kNotSupported},
      {raw(R"("type":"send","key":"k1","msg":)" + nested(1000), 804), kMalformedRequest},
  };
  for (const auto& [line, code] : answered) node_.write_line(line);
  for (size_t i = 0; i < answered.size(); ++i) {
    node_.expect_error(801 + static_cast<int64_t>(i), answered[i].second);
  }
  expect_survived("rejected a message");
}

}  // namespace
}  // namespace eddy::testing
