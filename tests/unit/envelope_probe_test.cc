// probe_envelope: src, dest and body.msg_id read from lines that will not be
// decoded in full, by position only, keeping what came before a parse error.
#include <gtest/gtest.h>

#include <string>

#include "core/envelope_probe.h"

namespace eddy::core {
namespace {

TEST(EnvelopeProbe, ReadsAllThreeFieldsOfAWholeMessage) {
  const Envelope e = probe_envelope(
      R"({"src":"c1","dest":"n1","body":{"type":"send","msg_id":7,"key":"k","msg":1}})");
  EXPECT_EQ(e.src, "c1");
  EXPECT_EQ(e.dest, "n1");
  EXPECT_EQ(e.msg_id, 7);
}

TEST(EnvelopeProbe, TruncatedJsonKeepsFieldsReadBeforeTheError) {
  const Envelope e =
      probe_envelope(R"({"src":"c1","dest":"n1","body":{"type":"send","msg_id":7,"ke)");
  EXPECT_EQ(e.src, "c1");
  EXPECT_EQ(e.dest, "n1");
  EXPECT_EQ(e.msg_id, 7);
}

TEST(EnvelopeProbe, TruncatedBeforeMsgIdKeepsOnlyTheSender) {
  const Envelope e = probe_envelope(R"({"src":"c1","body":{"type":"se)");
  EXPECT_EQ(e.src, "c1");
  EXPECT_FALSE(e.dest.has_value());
  EXPECT_FALSE(e.msg_id.has_value());
}

TEST(EnvelopeProbe, SyntaxErrorMidwayKeepsEarlierFields) {
  const Envelope e = probe_envelope(R"({"src":"c3","body":{"msg_id":12,} "dest":"n1"})");
  EXPECT_EQ(e.src, "c3");
  EXPECT_EQ(e.msg_id, 12);
  EXPECT_FALSE(e.dest.has_value());  // after the error
}

TEST(EnvelopeProbe, NotJsonYieldsNothing) {
  const Envelope e = probe_envelope("hello world");
  EXPECT_FALSE(e.src.has_value());
  EXPECT_FALSE(e.dest.has_value());
  EXPECT_FALSE(e.msg_id.has_value());
}

TEST(EnvelopeProbe, FieldsInNestedObjectsAreNotTheEnvelope) {
  const Envelope e = probe_envelope(
      R"({"meta":{"src":"evil","dest":"evil","body":{"msg_id":99}},"src":"c1","dest":"n1"})");
  EXPECT_EQ(e.src, "c1");
  EXPECT_EQ(e.dest, "n1");
  EXPECT_FALSE(e.msg_id.has_value());
}

TEST(EnvelopeProbe, MsgIdMustSitDirectlyInBody) {
  EXPECT_FALSE(probe_envelope(R"({"body":{"inner":{"msg_id":5}}})").msg_id.has_value());
  EXPECT_FALSE(probe_envelope(R"({"msg_id":5,"body":{}})").msg_id.has_value());
  EXPECT_FALSE(probe_envelope(R"({"body":{"msg":{"msg_id":5}},"x":1})").msg_id.has_value());
}

TEST(EnvelopeProbe, MsgIdAfterANestedValueInBodyIsFound) {
  const Envelope e = probe_envelope(R"({"body":{"msg":{"msg_id":5,"a":[1,{"b":2}]},"msg_id":6}})");
  EXPECT_EQ(e.msg_id, 6);
}

TEST(EnvelopeProbe, MistypedFieldsAreIgnored) {
  const Envelope e = probe_envelope(R"({"src":1,"dest":["n1"],"body":{"msg_id":"7"}})");
  EXPECT_FALSE(e.src.has_value());
  EXPECT_FALSE(e.dest.has_value());
  EXPECT_FALSE(e.msg_id.has_value());
}

TEST(EnvelopeProbe, MsgIdBeyondInt64IsIgnored) {
  EXPECT_FALSE(probe_envelope(R"({"body":{"msg_id":9223372036854775808}})").msg_id.has_value());
  EXPECT_EQ(probe_envelope(R"({"body":{"msg_id":9223372036854775807}})").msg_id,
            9223372036854775807);
}

TEST(EnvelopeProbe, BodyBeforeSrcWorks) {
  const Envelope e = probe_envelope(R"({"body":{"type":"x","msg_id":3},"dest":"n2","src":"c9"})");
  EXPECT_EQ(e.src, "c9");
  EXPECT_EQ(e.dest, "n2");
  EXPECT_EQ(e.msg_id, 3);
}

TEST(EnvelopeProbe, HundredThousandLevelsAfterTheEnvelopeDoNotCrash) {
  const std::string line = R"({"src":"c1","dest":"n1","body":{"msg_id":4,"msg":)" +
                           std::string(100'000, '[') + std::string(100'000, ']') + "}}";
  const Envelope e = probe_envelope(line);
  EXPECT_EQ(e.src, "c1");
  EXPECT_EQ(e.dest, "n1");
  EXPECT_EQ(e.msg_id, 4);
}

TEST(EnvelopeProbe, HundredThousandUnclosedLevelsDoNotCrash) {
  const Envelope e =
      probe_envelope(R"({"src":"c1","body":{"msg_id":4,"msg":)" + std::string(100'000, '['));
  EXPECT_EQ(e.src, "c1");
  EXPECT_EQ(e.msg_id, 4);
}

}  // namespace
}  // namespace eddy::core
