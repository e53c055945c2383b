// The EDN reader on well-formed text: every kind of value, blanks, commas,
// comments, discards, tagged literals, positions, and the printer's round
// trip (print, parse again, print the same text).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "checker/edn.h"

namespace eddy::checker {
namespace {

// Parses text that must be valid; the form is kept alive by the caller.
EdnForm parsed(std::string_view text) {
  auto form = parse_edn(text);
  EXPECT_TRUE(form.ok()) << text << ": " << (form.ok() ? "" : form.error().to_string());
  if (!form.ok()) return parse_edn("nil").value();
  return std::move(form).value();
}

std::string printed(std::string_view text) {
  const EdnForm form = parsed(text);
  return to_edn_text(form.root());
}

TEST(EdnParse, Scalars) {
  EXPECT_TRUE(parsed("nil").root().is_nil());
  EXPECT_TRUE(parsed("true").root().boolean());
  EXPECT_FALSE(parsed("false").root().boolean());
  EXPECT_EQ(parsed("0").root().integer(), 0);
  EXPECT_EQ(parsed("-17").root().integer(), -17);
  EXPECT_EQ(parsed("+42").root().integer(), 42);
  EXPECT_EQ(parsed("9223372036854775807").root().integer(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parsed("-9223372036854775808").root().integer(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(parsed("12N").root().integer(), 12);  // a BigInt that fits
  // Clojure's hex integers, as in #object[java.lang.Thread 0x5c7b4c2d "..."]
  EXPECT_EQ(parsed("0x5c7b4c2d").root().integer(), 0x5c7b4c2d);
  EXPECT_EQ(parsed("-0x10").root().integer(), -16);
  EXPECT_EQ(parsed("0x7FFFFFFFFFFFFFFF").root().integer(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(parsed("-0x8000000000000000").root().integer(), std::numeric_limits<int64_t>::min());
  EXPECT_DOUBLE_EQ(parsed("0.99690723").root().number(), 0.99690723);
  EXPECT_DOUBLE_EQ(parsed("-2.5").root().number(), -2.5);
  EXPECT_DOUBLE_EQ(parsed("1e3").root().number(), 1000.0);
  EXPECT_DOUBLE_EQ(parsed("1.5E-3").root().number(), 0.0015);
  EXPECT_DOUBLE_EQ(parsed("2.").root().number(), 2.0);
  EXPECT_TRUE(std::isinf(parsed("##Inf").root().number()));
  EXPECT_LT(parsed("##-Inf").root().number(), 0);
  EXPECT_TRUE(std::isnan(parsed("##NaN").root().number()));
  EXPECT_EQ(parsed("1.0").root().kind(), EdnKind::kFloat);
  EXPECT_EQ(parsed("1").root().kind(), EdnKind::kInteger);
}

TEST(EdnParse, StringsAndEscapes) {
  EXPECT_EQ(parsed(R"("")").root().text(), "");
  EXPECT_EQ(parsed(R"("key does not exist")").root().text(), "key does not exist");
  EXPECT_EQ(parsed(R"("a\"b\\c\nd\te\rf\bg\fh")").root().text(), "a\"b\\c\nd\te\rf\bg\fh");
  EXPECT_EQ(parsed(R"("\u00e9\u0041")").root().text(),
            "\xC3\xA9"
            "A");
  EXPECT_EQ(parsed(R"("\uD83D\uDE00")").root().text(), "\xF0\x9F\x98\x80");  // a UTF-16 pair
  EXPECT_EQ(parsed("\"caf\xC3\xA9\"").root().text(), "caf\xC3\xA9");         // raw UTF-8
  EXPECT_EQ(parsed("\"two\nlines\"").root().text(), "two\nlines");
  EXPECT_EQ(parsed(R"("semi;colon, comma")").root().text(), "semi;colon, comma");
}

TEST(EdnParse, Characters) {
  EXPECT_EQ(parsed(R"(\a)").root().text(), "a");
  EXPECT_EQ(parsed(R"(\newline)").root().text(), "\n");
  EXPECT_EQ(parsed(R"(\space)").root().text(), " ");
  EXPECT_EQ(parsed(R"(\tab)").root().text(), "\t");
  EXPECT_EQ(parsed(R"(\return)").root().text(), "\r");
  EXPECT_EQ(parsed(R"(\u0041)").root().text(), "A");
  EXPECT_EQ(parsed(R"(\()").root().text(), "(");
  const EdnForm form = parsed(R"([\a \b,\c])");
  ASSERT_EQ(form.root().size(), 3u);
  EXPECT_EQ(form.root().child(2).text(), "c");
  EXPECT_EQ(form.root().child(0).kind(), EdnKind::kCharacter);
}

TEST(EdnParse, KeywordsAndSymbols) {
  EXPECT_EQ(parsed(":foo").root().text(), "foo");
  EXPECT_EQ(parsed(":foo/bar").root().text(), "foo/bar");
  EXPECT_EQ(parsed(":valid?").root().text(), "valid?");
  EXPECT_TRUE(parsed(":seek-to-beginning?").root().is_keyword("seek-to-beginning?"));
  EXPECT_EQ(parsed(":net-timeout").root().kind(), EdnKind::kKeyword);
  for (const char* symbol : {"foo", "foo/bar", "+", "-", ".", "/", "a.b.C", "nil?", "x'", "-a"}) {
    const EdnForm form = parsed(symbol);
    EXPECT_EQ(form.root().kind(), EdnKind::kSymbol) << symbol;
    EXPECT_EQ(form.root().text(), symbol);
  }
  EXPECT_EQ(parsed("nil-ish").root().kind(), EdnKind::kSymbol);
}

TEST(EdnParse, Collections) {
  const EdnForm form = parsed(R"({:a [1 2 3], :b (4 5), :c #{"x"}, :d {}, :e [], :f ()})");
  const EdnValue map = form.root();
  ASSERT_EQ(map.kind(), EdnKind::kMap);
  EXPECT_EQ(map.size(), 6u);
  const auto a = map.find("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind(), EdnKind::kVector);
  EXPECT_EQ(a->size(), 3u);
  EXPECT_EQ(a->child(2).integer(), 3);
  std::vector<int64_t> elements;
  for (const EdnValue element : a->children()) elements.push_back(element.integer());
  EXPECT_EQ(elements, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(map.find("b")->kind(), EdnKind::kList);
  EXPECT_EQ(map.find("c")->kind(), EdnKind::kSet);
  EXPECT_EQ(map.find("c")->child(0).text(), "x");
  EXPECT_EQ(map.find("d")->size(), 0u);
  EXPECT_EQ(map.find("e")->size(), 0u);
  EXPECT_EQ(map.find("f")->size(), 0u);
  EXPECT_FALSE(map.find("g"));
  // Children of a map alternate key, value.
  std::vector<std::string> keys;
  bool is_key = true;
  for (const EdnValue element : map.children()) {
    if (is_key) keys.emplace_back(element.text());
    is_key = !is_key;
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c", "d", "e", "f"}));
}

TEST(EdnParse, NestedValuesAreSkippedOver) {
  const EdnForm form = parsed(R"([[1 [2 [3]]] {:x {:y #{[4]}}} 5])");
  ASSERT_EQ(form.root().size(), 3u);
  EXPECT_EQ(form.root().child(2).integer(), 5);
  EXPECT_EQ(form.root().child(1).find("x")->find("y")->child(0).child(0).integer(), 4);
}

TEST(EdnParse, BlanksCommasCommentsAndDiscards) {
  const EdnForm form = parsed(
      "; a comment\n"
      "  ,,{:a 1,, :b ; trailing comment\n"
      "  2 #_ :ignored #_[1 2 {:x 3}]\n"
      "  :c #_ #_ 1 2 3}  ; after\n"
      "#_ {:discarded true}");
  const EdnValue map = form.root();
  EXPECT_EQ(map.size(), 3u);
  EXPECT_EQ(map.find("b")->integer(), 2);
  EXPECT_EQ(map.find("c")->integer(), 3);
  EXPECT_EQ(parsed("[1 #_2 3]").root().size(), 2u);
  EXPECT_EQ(parsed("[#_ 1]").root().size(), 0u);
  EXPECT_EQ(parsed("\t\r\n 7 \f").root().integer(), 7);
}

TEST(EdnParse, TaggedLiterals) {
  const EdnForm record = parsed("#knossos.model.CASRegister{:value 3}");
  ASSERT_EQ(record.root().kind(), EdnKind::kTagged);
  EXPECT_EQ(record.root().text(), "knossos.model.CASRegister");
  EXPECT_EQ(record.root().tagged_value().find("value")->integer(), 3);
  const EdnForm inst = parsed(R"(#inst "2024-05-01T10:00:00.000-00:00")");
  EXPECT_EQ(inst.root().text(), "inst");
  EXPECT_EQ(inst.root().tagged_value().text(), "2024-05-01T10:00:00.000-00:00");
  const EdnForm op = parsed("#jepsen.history.Op{:index 0, :type :invoke}");
  EXPECT_TRUE(op.root().tagged_value().find("type")->is_keyword("invoke"));
  const EdnForm nested = parsed("[#a #b 1 #c [2] 3]");
  ASSERT_EQ(nested.root().size(), 3u);
  EXPECT_EQ(nested.root().child(0).tagged_value().text(), "b");
  EXPECT_EQ(nested.root().child(0).tagged_value().tagged_value().integer(), 1);
  EXPECT_EQ(nested.root().child(2).integer(), 3);
}

TEST(EdnParse, PositionsAreOneBasedLinesAndByteColumns) {
  const EdnForm form = parsed("\n  {:a 1\n   :b [10\n       20]}");
  EXPECT_EQ(form.root().position(), (EdnPosition{2, 3}));
  const EdnValue b = *form.root().find("b");
  EXPECT_EQ(b.position(), (EdnPosition{3, 7}));
  EXPECT_EQ(b.child(1).position(), (EdnPosition{4, 8}));
  // After a string with a newline in it, lines still count.
  const EdnForm string = parsed("[\"a\nb\" :x]");
  EXPECT_EQ(string.root().child(1).position(), (EdnPosition{2, 4}));
}

TEST(EdnPrint, CompactText) {
  EXPECT_EQ(printed("{:a 1 :b [1 2 #{3}]}"), "{:a 1, :b [1 2 #{3}]}");
  EXPECT_EQ(printed(R"([:isolated {"n0" #{"n1" "n2"}}])"), R"([:isolated {"n0" #{"n1" "n2"}}])");
  EXPECT_EQ(printed("( 1 ,2 )"), "(1 2)");
  EXPECT_EQ(printed("#knossos.model.CASRegister{:value 3}"),
            "#knossos.model.CASRegister{:value 3}");
  EXPECT_EQ(printed(R"(#inst "x")"), R"(#inst "x")");
  EXPECT_EQ(printed("#a #{1}"), "#a #{1}");
  EXPECT_EQ(printed("1.0"), "1.0");
  EXPECT_EQ(printed("1e21"), "1e+21");
  EXPECT_EQ(printed("0.1"), "0.1");
  EXPECT_EQ(printed("[##Inf ##-Inf ##NaN]"), "[##Inf ##-Inf ##NaN]");
  EXPECT_EQ(printed(R"("q\"\\\n\t")"), R"("q\"\\\n\t")");
  EXPECT_EQ(printed(R"("\u0001")"), R"("\u0001")");
  EXPECT_EQ(printed(R"([\a \newline \space])"), R"([\a \newline \space])");
  EXPECT_EQ(printed("[nil true false -3 :k/w sym]"), "[nil true false -3 :k/w sym]");
  EXPECT_EQ(printed("{}"), "{}");
  EXPECT_EQ(printed("[[] () #{} {}]"), "[[] () #{} {}]");
}

TEST(EdnPrint, RoundTrips) {
  const std::vector<std::string> texts = {
      R"({:index 3, :time 48050729, :type :info, :process :nemesis, :f :start-partition, :value [:isolated {"n0" #{"n2" "n1"}, "n2" #{"n0"}, "n1" #{"n0"}}]})",
      R"({:type :ok, :f :poll, :value [[:poll {"9" [[0 1] [1 2]], "3" []}]], :poll-ms 1000})",
      R"({:model #knossos.model.CASRegister{:value 3}, :last-op {:value 3, :index 965}, :pending []})",
      R"([1.5 -0.25 1e-300 "\u00e9\ud83d\ude00" \u0041 (a b/c) #{} nil])",
      R"([[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]])",
  };
  for (const std::string& text : texts) {
    const std::string once = printed(text);
    EXPECT_EQ(printed(once), once) << text;
  }
}

}  // namespace
}  // namespace eddy::checker
