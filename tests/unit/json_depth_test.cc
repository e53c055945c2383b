// json_depth: the pre-parse scan that keeps deep JSON away from every
// recursive routine. It must see brackets only outside strings.
#include <gtest/gtest.h>

#include <string>

#include "core/json_codec.h"

namespace eddy::core {
namespace {

constexpr int32_t kMax = 64;

TEST(JsonDepth, ScalarsHaveDepthZero) {
  EXPECT_EQ(json_depth("", kMax), 0);
  EXPECT_EQ(json_depth("1", kMax), 0);
  EXPECT_EQ(json_depth(R"("text")", kMax), 0);
}

TEST(JsonDepth, CountsArraysAndObjects) {
  EXPECT_EQ(json_depth("{}", kMax), 1);
  EXPECT_EQ(json_depth("[[]]", kMax), 2);
  EXPECT_EQ(json_depth(R"({"a":[{"b":[]}]})", kMax), 4);
}

TEST(JsonDepth, SiblingsDoNotAddUp) {
  EXPECT_EQ(json_depth("[[],[],[[]],[]]", kMax), 3);
  EXPECT_EQ(json_depth(R"({"a":{},"b":{},"c":{}})", kMax), 2);
}

TEST(JsonDepth, BracketsInsideStringsAreIgnored) {
  EXPECT_EQ(json_depth(R"({"a":"[[[[{{{{"})", kMax), 1);
  EXPECT_EQ(json_depth(R"({"[[[[":"]]]]"})", kMax), 1);
}

TEST(JsonDepth, EscapedQuoteDoesNotEndTheString) {
  // The string is  \"[[[[  : the brackets are still inside it.
  EXPECT_EQ(json_depth(R"({"a":"\"[[[["})", kMax), 1);
}

TEST(JsonDepth, EscapedBackslashBeforeTheClosingQuoteEndsTheString) {
  // The string is  \\  : the quote after it closes it, so [[ ]] counts.
  EXPECT_EQ(json_depth(R"({"a":"\\","b":[[1]]})", kMax), 3);
}

TEST(JsonDepth, StopsOneBeyondTheMaximum) {
  EXPECT_EQ(json_depth(std::string(10, '['), 3), 4);
  EXPECT_EQ(json_depth(std::string(3, '[') + std::string(3, ']'), 3), 3);
}

TEST(JsonDepth, HundredThousandLevelsAreCappedAtMaxPlusOne) {
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  EXPECT_EQ(json_depth(deep, kMax), kMax + 1);
  EXPECT_EQ(json_depth(deep, 200'000), 100'000);
}

TEST(JsonDepth, AMaelstromMessageIsShallow) {
  EXPECT_EQ(
      json_depth(R"({"src":"c1","dest":"n1","body":{"type":"poll_ok","msgs":{"k":[[0,1],[1,2]]}}})",
                 kMax),
      5);
}

}  // namespace
}  // namespace eddy::core
