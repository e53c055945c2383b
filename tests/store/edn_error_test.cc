// The EDN reader on bad text: each refusal names the right line and column
// and says what was expected, and nothing crashes, hangs or recurses (the
// suite also runs under ASan + UBSan): truncated and unbalanced input, odd
// maps, bad escapes, unknown dispatches, overflowing numbers, every limit,
// every prefix of a valid text, and random corruptions of one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "checker/edn.h"

namespace eddy::checker {
namespace {

struct Refusal {
  std::string text;
  int64_t line;
  int64_t column;
  std::string says;  // a part of the message
};

EdnError refusal_of(std::string_view text, const EdnLimits& limits = {}) {
  auto form = parse_edn(text, limits);
  EXPECT_FALSE(form.ok()) << "accepted: " << text.substr(0, 200);
  if (form.ok()) return EdnError{};
  return form.error();
}

void expect_refused(const Refusal& refusal, const EdnLimits& limits = {}) {
  const EdnError error = refusal_of(refusal.text, limits);
  const std::string shown = refusal.text.substr(0, 60);
  EXPECT_EQ(error.position, (EdnPosition{refusal.line, refusal.column}))
      << shown << " -> " << error.to_string();
  EXPECT_NE(error.message.find(refusal.says), std::string::npos)
      << shown << " -> " << error.to_string();
}

TEST(EdnError, TruncatedInput) {
  expect_refused({"", 1, 1, "unexpected end of input: expected a value"});
  expect_refused({"[1 2", 1, 5, "expected ']' to close the '[' at line 1, column 1"});
  expect_refused({"{:a [1\n 2", 2, 3, "expected ']' to close the '[' at line 1, column 5"});
  expect_refused({"#{1", 1, 4, "expected '}' to close the '#{'"});
  expect_refused({R"("abc)", 1, 1, "unexpected end of input in a string"});
  expect_refused({R"(["a\)", 1, 4, "unexpected end of input in a string escape"});
  expect_refused({R"("\u00)", 1, 2, "unexpected end of input in a \\u escape"});
  expect_refused({"#_", 1, 3, "expected a value after '#_'"});
  expect_refused({"#foo", 1, 5, "expected the value of the tagged literal #foo"});
  expect_refused({"#", 1, 1, "unexpected end of input in a '#' dispatch"});
  expect_refused({"\\", 1, 1, "unexpected end of input in a character"});
  expect_refused({"[1 ; a comment that never ends", 1, 31, "expected ']'"});
}

TEST(EdnError, UnbalancedInput) {
  expect_refused({"[1 2)", 1, 5, "expected ']' to close the '[' at line 1, column 1, found ')'"});
  expect_refused({"(1 2]", 1, 5, "expected ')'"});
  expect_refused({"{:a 1]", 1, 6, "expected '}'"});
  expect_refused({")", 1, 1, "unmatched ')': nothing is open"});
  expect_refused({"[1] ]", 1, 5, "unmatched ']'"});
  expect_refused({"[#_]", 1, 4, "expected a value after '#_', found ']'"});
  expect_refused({"[#tag]", 1, 6, "expected the value of the tagged literal #tag, found ']'"});
}

TEST(EdnError, MapWithAnOddNumberOfForms) {
  expect_refused({"{:a 1 :b}", 1, 1, "a map needs an even number of forms"});
  expect_refused({"[1\n {:a}]", 2, 2, "it has 1"});
  expect_refused({"{:a #_ 1}", 1, 1, "even number"});
}

TEST(EdnError, BadStrings) {
  expect_refused({R"("a\qb")", 1, 3, "bad escape '\\q'"});
  expect_refused({R"("\x41")", 1, 2, "bad escape"});
  expect_refused({R"("\u12G4")", 1, 2, "four hex digits"});
  expect_refused({R"("\uDE00")", 1, 2, "lone low surrogate"});
  expect_refused({R"("\uD83D!")", 1, 2, "without its low half"});
  expect_refused({"\"ab\xFF\"", 1, 4, "invalid UTF-8"});
  expect_refused({"\"\xC0\xAF\"", 1, 2, "invalid UTF-8"});      // overlong
  expect_refused({"\"\xED\xA0\x80\"", 1, 2, "invalid UTF-8"});  // a surrogate
  expect_refused({"sym\xFF", 1, 1, "invalid UTF-8 in a symbol"});
}

TEST(EdnError, UnknownDispatchAndNonEdnSyntax) {
  expect_refused({"#?(:clj 1)", 1, 1, "unknown dispatch '#?'"});
  expect_refused({"[1 #?(:clj 1)]", 1, 4, "reader conditionals are not EDN"});
  expect_refused({R"(#"regex")", 1, 1, "regular expressions"});
  expect_refused({"#(+ 1 %)", 1, 1, "function literals"});
  expect_refused({"#:a{:b 1}", 1, 1, "namespaced maps"});
  expect_refused({"#1", 1, 1, "unknown dispatch '#1'"});
  expect_refused({"##Foo", 1, 1, "expected ##Inf, ##-Inf or ##NaN"});
  expect_refused({"^:meta x", 1, 1, "metadata is not EDN"});
  expect_refused({"'x", 1, 1, "quoting is not EDN"});
  expect_refused({"`x", 1, 1, "quoting is not EDN"});
  expect_refused({"@x", 1, 1, "unexpected '@'"});
  expect_refused({"::auto", 1, 1, "auto-resolved keywords"});
  expect_refused({":", 1, 1, "expected a keyword's name"});
  expect_refused({"foo/", 1, 1, "not a valid symbol"});
  expect_refused({"\\bogus", 1, 1, "unknown character name '\\bogus'"});
  expect_refused({"1 2", 1, 3, "expected the end of input after a value"});
}

TEST(EdnError, Numbers) {
  expect_refused({"9223372036854775808", 1, 1, "beyond the range of a 64-bit integer"});
  expect_refused({"[0 -9223372036854775809]", 1, 4, "beyond the range of a 64-bit integer"});
  expect_refused({"123456789012345678901234567890N", 1, 1, "beyond the range"});
  expect_refused({"1e999", 1, 1, "beyond the range of a double"});
  expect_refused({"1.5M", 1, 1, "BigDecimal"});
  expect_refused({"1/2", 1, 1, "ratio"});
  expect_refused({"0x1G", 1, 1, "not a number"});
  expect_refused({"0x", 1, 1, "not a number"});
  expect_refused({"0x8000000000000000", 1, 1, "beyond the range of a 64-bit integer"});
  expect_refused({"2r101", 1, 1, "not a number"});
  expect_refused({"017", 1, 1, "leading zero"});
  expect_refused({"1e", 1, 1, "exponent has no digits"});
  expect_refused({"1.5N", 1, 1, "'N' follows integers only"});
  expect_refused({"12abc", 1, 1, "not a number"});
}

TEST(EdnError, TenMegabyteStringIsPastTheStringLimit) {
  std::string text = "[\n \"";
  text.append(10 << 20, 'x');
  text.append("\"]");
  expect_refused({text, 2, 2, "a string longer than 1048576 bytes (EdnLimits::string_bytes_max)"});
}

TEST(EdnError, HundredThousandNestedBracketsAreRefusedNotRecursed) {
  const std::string open(100'000, '[');
  expect_refused({open, 1, 513, "values nested deeper than 512 levels"});
  expect_refused({open + std::string(100'000, ']'), 1, 513, "deeper than 512"});
  expect_refused({std::string(100'000, '{'), 1, 513, "deeper than 512"});
  std::string tags;
  for (int i = 0; i < 100'000; ++i) tags.append("#t ");
  expect_refused({tags + "1", 1, 1 + 3 * 512, "deeper than 512"});
  std::string discards;
  for (int i = 0; i < 100'000; ++i) discards.append("#_");
  expect_refused({discards, 1, 1 + 2 * 512, "deeper than 512"});
  // Under the limit, deep nesting is fine, and prints without recursion.
  EdnLimits deep;
  deep.depth_max = 200'000;
  const auto form = parse_edn(open + std::string(100'000, ']'), deep);
  ASSERT_TRUE(form.ok()) << form.error().to_string();
  EXPECT_EQ(to_edn_text(form.value().root()).size(), 200'000u);
}

TEST(EdnError, EveryLimitIsEnforced) {
  EdnLimits limits;
  limits.form_values_max = 5;
  expect_refused({"[1 2 3 4 5]", 1, 10, "more than 5 values in one form"}, limits);
  EXPECT_TRUE(parse_edn("[1 2 3 4]", limits).ok());
  limits = EdnLimits{};
  limits.string_bytes_max = 3;
  expect_refused({R"(["abc" "abcd"])", 1, 8, "a string longer than 3 bytes"}, limits);
  expect_refused({":abcd", 1, 1, "a keyword longer than 3 bytes"}, limits);
  expect_refused({"abcd", 1, 1, "a symbol longer than 3 bytes"}, limits);
  limits = EdnLimits{};
  limits.form_bytes_max = 10;
  expect_refused({"  [1 2 3 4 5 6]", 1, 3, "a form longer than 10 bytes"}, limits);
  expect_refused({" [1 2 3 4 5 6]", 1, 2, "a form longer than 10 bytes"}, limits);
  expect_refused({"\n[1 2 3 4 5 6]", 2, 1, "a form longer than 10 bytes"}, limits);
  EXPECT_TRUE(parse_edn("  [1 2 3 4]", limits).ok());
  limits = EdnLimits{};
  limits.depth_max = 2;
  expect_refused({"[[[1]]]", 1, 3, "deeper than 2"}, limits);
  EXPECT_TRUE(parse_edn("[[1]]", limits).ok());
}

TEST(EdnError, EveryPrefixOfAValidTextParsesOrIsRefused) {
  const std::string text =
      R"({:index 3, :time 48050729, :type :info, :process :nemesis, :f :start-partition, )"
      R"(:value [:isolated {"n0" #{"n2" "n1"}}], :x #inst "2024", :y "\u00e9\n", :z \space, )"
      R"(:w [1.5 -2 ##NaN nil true #_ ignored (a b)]} ; done)";
  ASSERT_TRUE(parse_edn(text).ok());
  for (size_t size = 0; size < text.size(); ++size) {
    const auto form = parse_edn(text.substr(0, size));
    if (!form.ok()) {
      EXPECT_FALSE(form.error().message.empty());
      EXPECT_GE(form.error().position.column, 1);
    }
  }
}

TEST(EdnError, RandomCorruptionsNeverCrash) {
  const std::string text =
      R"({:a [1 2 #{"x" \c}] :b (#tag {:c 1.5e3}) :d "s\"t\u00e9" :e #_ [nil] :f ##Inf})";
  uint64_t state = 12345;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  const std::string alphabet = "[]{}()#_\"\\:;, \n1a.-+eE/^'?{}\x80\xC3";
  int refused = 0;
  for (int round = 0; round < 20'000; ++round) {
    std::string mutated = text;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits; ++e) {
      const size_t at = next() % mutated.size();
      switch (next() % 3) {
        case 0:
          mutated[at] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          mutated.insert(at, 1, alphabet[next() % alphabet.size()]);
          break;
        default:
          mutated.erase(at, 1);
          break;
      }
      if (mutated.empty()) mutated = "x";
    }
    const auto form = parse_edn(mutated);
    if (!form.ok()) {
      ++refused;
      continue;
    }
    // Whatever parsed prints, and reads back as the same text.
    const std::string once = to_edn_text(form.value().root());
    const auto again = parse_edn(once);
    ASSERT_TRUE(again.ok()) << mutated << " printed as " << once;
    EXPECT_EQ(to_edn_text(again.value().root()), once);
  }
  EXPECT_GT(refused, 1000);
}

}  // namespace
}  // namespace eddy::checker
