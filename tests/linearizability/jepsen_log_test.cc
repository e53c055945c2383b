// parse_jepsen_log on hand-written lines: tabs and runs of spaces, every
// value shape, skipped lines, and malformed client lines.
#include "checker/linearizability/jepsen_log.h"

#include <gtest/gtest.h>

#include <string>

namespace eddy::lin {
namespace {

TEST(JepsenLog, ParsesEveryShape) {
  const std::string text =
      "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 0\t:ok\t:read\t3\n"
      "INFO  jepsen.util - 1  :invoke  :cas  [3 4]\n"
      "INFO  jepsen.util - 1\t:fail\t:cas\t[3 4]\n"
      "INFO  jepsen.util - 2\t:invoke\t:write\t-7\n"
      "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\r\n";
  const auto events = parse_jepsen_log(text);
  ASSERT_TRUE(events.ok()) << events.error().message;
  const auto& e = events.value();
  ASSERT_EQ(e.size(), 6U);
  EXPECT_EQ(e[0].type, EventType::kInvoke);
  EXPECT_EQ(e[0].f, RegisterF::kRead);
  EXPECT_EQ(e[1].type, EventType::kOk);
  EXPECT_EQ(e[1].arg1, 3);
  EXPECT_TRUE(e[1].has_arg1);
  EXPECT_EQ(e[2].process, 1);
  EXPECT_EQ(e[2].f, RegisterF::kCas);
  EXPECT_EQ(e[2].arg1, 3);
  EXPECT_EQ(e[2].arg2, 4);
  EXPECT_EQ(e[3].type, EventType::kFail);
  EXPECT_EQ(e[4].arg1, -7);
  EXPECT_EQ(e[5].type, EventType::kInfo);
  EXPECT_FALSE(e[5].has_arg1);
  for (const HistoryEvent& event : e) EXPECT_EQ(event.key, 0);
}

TEST(JepsenLog, ReadsNilAsTheEmptyRegister) {
  const auto events = parse_jepsen_log("INFO jepsen.util - 4 :ok :read nil\n");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events.value().at(0).arg1, kNil);
  EXPECT_TRUE(events.value().at(0).has_arg1);
}

TEST(JepsenLog, SkipsOtherLines) {
  const auto events = parse_jepsen_log(
      "\n"
      "INFO  jepsen.core - Run complete\n"
      "INFO  jepsen.util - :nemesis\t:info\t:start\tnil\n"
      "INFO  jepsen.util - 3\t:invoke\t:write\t1");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events.value().size(), 1U);
  EXPECT_EQ(events.value()[0].process, 3);
}

TEST(JepsenLog, RejectsMalformedClientLines) {
  const auto expect_line = [](const std::string& text, int64_t line, const std::string& words) {
    const auto events = parse_jepsen_log(text);
    ASSERT_FALSE(events.ok()) << text;
    EXPECT_EQ(events.error().line, line);
    EXPECT_NE(events.error().message.find(words), std::string::npos) << events.error().message;
  };
  expect_line("INFO jepsen.util - 0 :invoke :read nil\nINFO jepsen.util - 0 :done :read 1\n", 2,
              "unknown type");
  expect_line("INFO jepsen.util - 0 :invoke :append 1\n", 1, "unknown f");
  expect_line("INFO jepsen.util - 0 :invoke :cas\n", 1, "expected a type, an f and a value");
  expect_line("INFO jepsen.util - 0 :invoke :cas [1\n", 1, "malformed value");
  expect_line("INFO jepsen.util - 0 :invoke :cas [1 x]\n", 1, "malformed value");
  expect_line("INFO jepsen.util - 0 :invoke :write 99999999999\n", 1, "malformed value");
}

}  // namespace
}  // namespace eddy::lin
