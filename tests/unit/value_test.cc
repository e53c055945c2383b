// Value: integers inline, everything else as compact JSON text.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/value.h"

namespace eddy::core {
namespace {

using nlohmann::json;

Value parsed(const char* text) { return Value::from_json(json::parse(text)); }

TEST(Value, DefaultIsIntegerZero) {
  const Value v;
  ASSERT_TRUE(v.is_integer());
  EXPECT_EQ(v.integer(), 0);
  EXPECT_EQ(v.to_json_text(), "0");
}

TEST(Value, IntegerIsInlineAndCostsNoHeap) {
  const Value v(42);
  ASSERT_TRUE(v.is_integer());
  EXPECT_EQ(v.integer(), 42);
  EXPECT_EQ(v.to_json_text(), "42");
  EXPECT_EQ(v.heap_bytes(), 0u);
}

TEST(Value, Int64ExtremesStayInline) {
  const Value low(std::numeric_limits<int64_t>::min());
  const Value high(std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(low.is_integer());
  ASSERT_TRUE(high.is_integer());
  EXPECT_EQ(low.integer(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(high.integer(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(low.to_json_text(), "-9223372036854775808");
  EXPECT_EQ(high.to_json_text(), "9223372036854775807");
}

TEST(Value, FromJsonIntegerIsInline) {
  const Value v = parsed("-17");
  ASSERT_TRUE(v.is_integer());
  EXPECT_EQ(v.integer(), -17);
  const Value u = parsed("17");  // nlohmann stores non-negative literals as unsigned
  ASSERT_TRUE(u.is_integer());
  EXPECT_EQ(u.integer(), 17);
}

TEST(Value, NonIntegersAreKeptAsCompactText) {
  EXPECT_EQ(parsed(R"( "a b" )").to_json_text(), R"("a b")");
  EXPECT_EQ(parsed("null").to_json_text(), "null");
  EXPECT_EQ(parsed("false").to_json_text(), "false");
  EXPECT_EQ(parsed("2.5").to_json_text(), "2.5");
  EXPECT_EQ(parsed(R"( [ 1 , { "b" : 2 , "a" : 1 } ] )").to_json_text(), R"([1,{"a":1,"b":2}])");
  EXPECT_FALSE(parsed("2.5").is_integer());
  EXPECT_FALSE(parsed("[1]").is_integer());
}

TEST(Value, TextCostsItsSizeOnTheHeap) {
  EXPECT_EQ(parsed(R"("hello")").heap_bytes(), 7u);
  EXPECT_EQ(Value::from_json_text("[1,2]").heap_bytes(), 5u);
}

TEST(Value, Int64MaxIsInlineButOneMoreIsText) {
  const Value max = parsed("9223372036854775807");
  ASSERT_TRUE(max.is_integer());
  EXPECT_EQ(max.integer(), std::numeric_limits<int64_t>::max());
  const Value beyond = parsed("9223372036854775808");
  EXPECT_FALSE(beyond.is_integer());
  EXPECT_EQ(beyond.to_json_text(), "9223372036854775808");
}

TEST(Value, Uint64MaxIsKeptAsText) {
  const Value v = parsed("18446744073709551615");
  EXPECT_FALSE(v.is_integer());
  EXPECT_EQ(v.to_json_text(), "18446744073709551615");
  EXPECT_EQ(v.to_json(), json(std::numeric_limits<uint64_t>::max()));
}

TEST(Value, FromJsonTextKeepsTheTextVerbatim) {
  const Value v = Value::from_json_text(R"({"z":1,"a":2})");
  EXPECT_FALSE(v.is_integer());
  EXPECT_EQ(v.to_json_text(), R"({"z":1,"a":2})");
}

TEST(Value, AppendJsonAppends) {
  std::string out = "x=";
  Value(5).append_json(out);
  out += ",y=";
  parsed(R"("s")").append_json(out);
  EXPECT_EQ(out, R"(x=5,y="s")");
}

TEST(Value, ToJsonRoundTrips) {
  for (const char* text : {"0", "-1", "123456789012", "9223372036854775807", "9223372036854775808",
                           "18446744073709551615", "1.25", R"("str")", "null", "true", "[]",
                           R"({"a":[1,2,{"b":null}]})"}) {
    SCOPED_TRACE(text);
    const json original = json::parse(text);
    const Value v = Value::from_json(original);
    EXPECT_EQ(v.to_json(), original);
    EXPECT_EQ(v.to_json_text(), original.dump());
    EXPECT_EQ(Value::from_json(v.to_json()), v);
  }
}

TEST(Value, CopyOfTextIsIndependent) {
  Value original = parsed(R"("first")");
  const Value copy(original);
  EXPECT_EQ(copy, original);
  original = parsed(R"("second")");
  EXPECT_EQ(copy.to_json_text(), R"("first")");
  EXPECT_EQ(original.to_json_text(), R"("second")");
}

TEST(Value, CopyOutlivesTheOriginal) {
  Value copy;
  {
    const Value original = parsed("[1,2,3]");
    copy = original;
  }
  EXPECT_EQ(copy.to_json_text(), "[1,2,3]");
}

TEST(Value, CopyAssignmentBetweenKinds) {
  Value v = parsed(R"("text")");
  v = Value(3);
  ASSERT_TRUE(v.is_integer());
  EXPECT_EQ(v.integer(), 3);
  v = parsed("[9]");
  EXPECT_EQ(v.to_json_text(), "[9]");
}

TEST(Value, SelfCopyAssignmentKeepsTheValue) {
  Value v = parsed(R"({"a":1})");
  Value& alias = v;
  v = alias;
  EXPECT_EQ(v.to_json_text(), R"({"a":1})");
}

TEST(Value, MoveTransfersTheText) {
  Value source = parsed(R"("moved")");
  const Value target(std::move(source));
  EXPECT_EQ(target.to_json_text(), R"("moved")");
  // The moved-from value is still usable: it can be reassigned and destroyed.
  source = Value(8);
  EXPECT_EQ(source.integer(), 8);
}

TEST(Value, MoveAssignmentReplacesText) {
  Value target = parsed(R"("old")");
  Value source = parsed(R"("new")");
  target = std::move(source);
  EXPECT_EQ(target.to_json_text(), R"("new")");
}

TEST(Value, VectorOfValuesSurvivesReallocation) {
  std::vector<Value> values;
  for (int i = 0; i < 100; ++i) {
    values.push_back(i % 2 == 0 ? Value(i)
                                : Value::from_json_text("\"" + std::to_string(i) + "\""));
  }
  for (int i = 0; i < 100; ++i) {
    const std::string want = i % 2 == 0 ? std::to_string(i) : "\"" + std::to_string(i) + "\"";
    EXPECT_EQ(values[static_cast<size_t>(i)].to_json_text(), want);
  }
}

TEST(Value, Equality) {
  EXPECT_EQ(Value(1), Value(1));
  EXPECT_NE(Value(1), Value(2));
  EXPECT_EQ(parsed(R"("a")"), parsed(R"("a")"));
  EXPECT_NE(parsed(R"("a")"), parsed(R"("b")"));
  EXPECT_NE(parsed(R"("1")"), Value(1));  // a string is not a number
  EXPECT_EQ(parsed("[1, 2]"), parsed("[1,2]"));
  EXPECT_NE(parsed("1.0"), Value(1));
  EXPECT_NE(parsed("null"), Value(0));
}

TEST(Value, IntegersOrderNumericallyBeforeTexts) {
  EXPECT_TRUE(Value(-5) < Value(3));
  EXPECT_TRUE(Value(3) < Value(10));
  EXPECT_FALSE(Value(10) < Value(3));
  EXPECT_FALSE(Value(3) < Value(3));
  EXPECT_TRUE(Value(std::numeric_limits<int64_t>::max()) < parsed(R"("")"));
  EXPECT_FALSE(parsed(R"("")") < Value(std::numeric_limits<int64_t>::min()));
  EXPECT_TRUE(parsed(R"("a")") < parsed(R"("b")"));
  EXPECT_FALSE(parsed(R"("b")") < parsed(R"("a")"));
}

TEST(Value, OrderedSetOfKeys) {
  std::set<Value> keys;
  for (const char* text : {R"("b")", "10", "-1", R"("a")", "2", "10", R"("a")"})
    keys.insert(parsed(text));
  std::vector<std::string> order;
  for (const Value& key : keys) order.push_back(key.to_json_text());
  EXPECT_EQ(order, (std::vector<std::string>{"-1", "2", "10", R"("a")", R"("b")"}));
}

}  // namespace
}  // namespace eddy::core
