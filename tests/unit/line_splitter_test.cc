// node_main::LineSplitter: bytes from stdin to lines, with a bound on what
// one line may hold.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "node_main/line_splitter.h"

namespace eddy::node_main {
namespace {

// Feeds chunks and records what came out, in order: "line:<text>" or
// "overlong:<bytes>".
class Collector {
 public:
  explicit Collector(size_t held_bytes_max) : splitter_(held_bytes_max) {}

  Collector& feed(std::string_view chunk) {
    splitter_.feed(chunk, on_line(), on_overlong());
    return *this;
  }
  Collector& finish() {
    splitter_.finish(on_line(), on_overlong());
    return *this;
  }
  const std::vector<std::string>& events() const { return events_; }

 private:
  std::function<void(std::string_view)> on_line() {
    return [this](std::string_view line) { events_.push_back("line:" + std::string(line)); };
  }
  std::function<void(size_t)> on_overlong() {
    return [this](size_t bytes) { events_.push_back("overlong:" + std::to_string(bytes)); };
  }

  LineSplitter splitter_;
  std::vector<std::string> events_;
};

using Events = std::vector<std::string>;

TEST(LineSplitter, SeveralLinesInOneChunk) {
  Collector c(100);
  c.feed("a\nbb\nccc\n");
  EXPECT_EQ(c.events(), (Events{"line:a", "line:bb", "line:ccc"}));
}

TEST(LineSplitter, LineSplitAcrossChunks) {
  Collector c(100);
  c.feed("ab").feed("c\nd").feed("e\n");
  EXPECT_EQ(c.events(), (Events{"line:abc", "line:de"}));
}

TEST(LineSplitter, NewlineAloneInTheNextChunk) {
  Collector c(100);
  c.feed("abc").feed("\n");
  EXPECT_EQ(c.events(), (Events{"line:abc"}));
}

TEST(LineSplitter, LineSpreadOverManyOneByteChunks) {
  Collector c(100);
  for (const char ch : std::string_view("{\"a\":1}\nxy\n")) c.feed(std::string_view(&ch, 1));
  EXPECT_EQ(c.events(), (Events{"line:{\"a\":1}", "line:xy"}));
}

TEST(LineSplitter, NothingBeforeTheNewline) {
  Collector c(100);
  c.feed("abc");
  EXPECT_TRUE(c.events().empty());
}

TEST(LineSplitter, EmptyLinesAreLines) {
  Collector c(100);
  c.feed("a\n\nb\n");
  EXPECT_EQ(c.events(), (Events{"line:a", "line:", "line:b"}));
}

TEST(LineSplitter, LineOfExactlyTheBoundIsKept) {
  Collector c(4);
  c.feed("abcd\n").feed("ab").feed("cd\n");
  EXPECT_EQ(c.events(), (Events{"line:abcd", "line:abcd"}));
}

TEST(LineSplitter, OverlongLineIsDroppedReportedAndTheNextLineDelivered) {
  Collector c(4);
  c.feed("abcdefgh\nok\n");
  EXPECT_EQ(c.events(), (Events{"overlong:8", "line:ok"}));
}

TEST(LineSplitter, OverlongLineAcrossChunksIsCountedWhole) {
  Collector c(4);
  c.feed("abc").feed("defg").feed("hi").feed("\nok\n");
  EXPECT_EQ(c.events(), (Events{"overlong:9", "line:ok"}));
}

TEST(LineSplitter, OneByteOverTheBoundIsOverlong) {
  Collector c(4);
  c.feed("ab").feed("cde\n").feed("z\n");
  EXPECT_EQ(c.events(), (Events{"overlong:5", "line:z"}));
}

TEST(LineSplitter, TwoOverlongLinesInARow) {
  Collector c(2);
  c.feed("xxxx\nyyyyy\nok\n");
  EXPECT_EQ(c.events(), (Events{"overlong:4", "overlong:5", "line:ok"}));
}

TEST(LineSplitter, FinishDeliversALastLineWithoutNewline) {
  Collector c(100);
  c.feed("a\nlast");
  EXPECT_EQ(c.events(), (Events{"line:a"}));
  c.finish();
  EXPECT_EQ(c.events(), (Events{"line:a", "line:last"}));
}

TEST(LineSplitter, FinishWithNothingPendingDoesNothing) {
  Collector c(100);
  c.feed("a\n").finish();
  EXPECT_EQ(c.events(), (Events{"line:a"}));
}

TEST(LineSplitter, FinishReportsAnOverlongLastLine) {
  Collector c(4);
  c.feed("abcdefg").finish();
  EXPECT_EQ(c.events(), (Events{"overlong:7"}));
}

TEST(LineSplitter, FinishTwiceDeliversOnce) {
  Collector c(100);
  c.feed("last").finish().finish();
  EXPECT_EQ(c.events(), (Events{"line:last"}));
}

}  // namespace
}  // namespace eddy::node_main
