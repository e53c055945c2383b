// EdnReader: the top-level forms of a stream, one at a time, whatever the
// chunk size (1 byte to 64 KiB), with positions counted from the start of the
// stream; errors are sticky; limits hold on streams too.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "checker/edn.h"

namespace eddy::checker {
namespace {

struct Read {
  std::vector<std::string> forms;      // printed
  std::vector<EdnPosition> positions;  // of each form
  std::optional<EdnError> error;
};

Read read_all(const std::string& text, size_t chunk_bytes, const EdnLimits& limits = {}) {
  std::istringstream in(text);
  EdnReader reader(in, limits, chunk_bytes);
  Read read;
  while (true) {
    auto next = reader.next();
    if (!next) {
      read.error = next.error();
      return read;
    }
    if (!next.value()) return read;
    read.forms.push_back(to_edn_text(*next.value()));
    read.positions.push_back(next.value()->position());
  }
}

const std::string kStream =
    "; a history\n"
    "{:index 0, :type :invoke, :f :send, :value [[:send \"8\" 1]]}\n"
    "{:index 1, :type :ok, :f :send, :value [[:send \"8\" [0 1]]]}\n"
    "\n"
    "  #_ {:discarded \"op\"} {:index 2, :s \"two\nlines\"} 42 ; trailing\n"
    "#jepsen.history.Op{:index 3, :v #{\"n1\" \"n2\"}}\n"
    "[\\a \\newline \"\\u00e9\" 1.5 ##Inf]";

TEST(EdnReader, ReadsEveryFormWithItsPosition) {
  const Read read = read_all(kStream, EdnReader::kChunkBytes);
  ASSERT_FALSE(read.error) << read.error->to_string();
  ASSERT_EQ(read.forms.size(), 6u);
  EXPECT_EQ(read.forms[0], R"({:index 0, :type :invoke, :f :send, :value [[:send "8" 1]]})");
  EXPECT_EQ(read.forms[2], R"({:index 2, :s "two\nlines"})");
  EXPECT_EQ(read.forms[3], "42");
  EXPECT_EQ(read.forms[4], R"(#jepsen.history.Op{:index 3, :v #{"n1" "n2"}})");
  EXPECT_EQ(read.positions[0], (EdnPosition{2, 1}));
  EXPECT_EQ(read.positions[1], (EdnPosition{3, 1}));
  EXPECT_EQ(read.positions[2], (EdnPosition{5, 24}));
  EXPECT_EQ(read.positions[3], (EdnPosition{6, 9}));
  EXPECT_EQ(read.positions[4], (EdnPosition{7, 1}));
  EXPECT_EQ(read.positions[5], (EdnPosition{8, 1}));
}

TEST(EdnReader, AnyChunkSizeReadsTheSame) {
  const Read expected = read_all(kStream, EdnReader::kChunkBytes);
  for (size_t chunk : {1, 2, 3, 5, 7, 11, 16, 64}) {
    const Read read = read_all(kStream, chunk);
    ASSERT_FALSE(read.error) << chunk << ": " << read.error->to_string();
    EXPECT_EQ(read.forms, expected.forms) << chunk;
    EXPECT_EQ(read.positions, expected.positions) << chunk;
  }
}

TEST(EdnReader, EmptyAndBlankStreamsHaveNoForms) {
  for (const std::string text : {"", "\n\n", "; only a comment", " , #_ 1 #_[2]\n; end"}) {
    for (size_t chunk : {1, 4, 1024}) {
      const Read read = read_all(text, chunk);
      EXPECT_FALSE(read.error) << text;
      EXPECT_TRUE(read.forms.empty()) << text;
    }
  }
}

TEST(EdnReader, AFormBiggerThanTheChunkIsReadWhole) {
  std::string text = "[";
  for (int i = 0; i < 20'000; ++i) text += std::to_string(i) + " ";
  text += "]\n:after";
  const Read read = read_all(text, 64);
  ASSERT_FALSE(read.error) << read.error->to_string();
  ASSERT_EQ(read.forms.size(), 2u);
  EXPECT_EQ(read.forms[1], ":after");
  EXPECT_EQ(read.positions[1], (EdnPosition{2, 1}));
}

TEST(EdnReader, ErrorsNameTheLineInTheStreamAndStick) {
  const std::string text = "{:a 1}\n{:b 2}\n{:c [1 2)}\n{:d 4}\n";
  for (size_t chunk : {1, 3, 1024}) {
    std::istringstream in(text);
    EdnReader reader(in, {}, chunk);
    ASSERT_TRUE(reader.next().ok());
    ASSERT_TRUE(reader.next().ok());
    const auto third = reader.next();
    ASSERT_FALSE(third.ok());
    EXPECT_EQ(third.error().position, (EdnPosition{3, 9})) << third.error().to_string();
    EXPECT_NE(third.error().message.find("expected ']'"), std::string::npos);
    const auto fourth = reader.next();
    ASSERT_FALSE(fourth.ok());
    EXPECT_EQ(fourth.error().to_string(), third.error().to_string());
  }
}

TEST(EdnReader, TruncatedStreamIsAnError) {
  const Read read = read_all("{:a 1}\n{:b [2", 2);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.forms.size(), 1u);
  EXPECT_EQ(read.error->position, (EdnPosition{2, 7}));
  EXPECT_NE(read.error->message.find("unexpected end of input"), std::string::npos);
}

TEST(EdnReader, LimitsHoldOnStreams) {
  // A 10 MB string is refused once the first MiB of it has been read.
  std::string text = "{:a 1}\n{:b \"";
  text.append(10 << 20, 'y');
  text.append("\"}\n");
  Read read = read_all(text, 4096);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->position, (EdnPosition{2, 5}));
  EXPECT_NE(read.error->message.find("string_bytes_max"), std::string::npos);

  EdnLimits limits;
  limits.form_bytes_max = 1000;
  std::string big = "[1]\n[";
  big.append(5000, ' ');
  big.append("]");
  read = read_all(big, 16, limits);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.forms.size(), 1u);
  EXPECT_EQ(read.error->position, (EdnPosition{2, 1}));
  EXPECT_NE(read.error->message.find("form_bytes_max"), std::string::npos);

  // A single blank before a form is not counted in it.
  std::string ones;
  for (int i = 0; i < 1000; ++i) ones += "1 ";
  read = read_all("[1] [" + ones + "]", 16, limits);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->position, (EdnPosition{1, 5}));

  const std::string deep(100'000, '[');
  read = read_all(deep, 1000);
  ASSERT_TRUE(read.error);
  EXPECT_EQ(read.error->position, (EdnPosition{1, 513}));
}

TEST(EdnReader, LongLinesOfManyFormsKeepTheirColumns) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += ":k" + std::to_string(i) + " ";
  const Read read = read_all(text, 7);
  ASSERT_FALSE(read.error);
  ASSERT_EQ(read.forms.size(), 1000u);
  EXPECT_EQ(read.positions[999].line, 1);
  EXPECT_EQ(read.positions[999].column, static_cast<int64_t>(text.rfind(":k999") + 1));
}

}  // namespace
}  // namespace eddy::checker
