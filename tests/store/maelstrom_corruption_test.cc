// The imports on corrupted stores: random edits of real and hand-written
// history.edn lines either import or are refused with a line and column;
// nothing crashes or trips an assertion (run it in the Debug + ASan build,
// where EdnValue's accessors assert the kind they are called on).
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "checker/maelstrom_store.h"
#include "store_test_support.h"

namespace eddy::checker {
namespace {

std::string first_lines(const std::filesystem::path& file, size_t lines_max) {
  std::istringstream in(testing::file_text(file));
  std::string text;
  std::string line;
  for (size_t i = 0; i < lines_max && std::getline(in, line); ++i) text += line + "\n";
  return text;
}

template <class Import>
void corrupt_and_import(const std::string& text, Import import, uint64_t seed) {
  ASSERT_GT(text.size(), 1000u);
  uint64_t state = seed;
  const auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  // Bytes and snippets that change a value's shape.
  const std::vector<std::string> snippets = {"[",
                                             "]",
                                             "{",
                                             "}",
                                             " nil",
                                             " :x",
                                             " 1",
                                             " [1 2]",
                                             " [[:send \"k\" 1]]",
                                             " [[:poll]]",
                                             " :nemesis",
                                             " -1",
                                             " #{1}",
                                             " \"s\"",
                                             " [0 [1 2]]",
                                             " [:a \"b\"]",
                                             " #t",
                                             "#_",
                                             ":value",
                                             ":type",
                                             ":process",
                                             ":f",
                                             " :ok",
                                             " :invoke",
                                             " :info",
                                             " :fail",
                                             " :send",
                                             " :read",
                                             " :cas",
                                             " :assign",
                                             " :poll",
                                             " :crash",
                                             " :write",
                                             " 1.5",
                                             " ##NaN",
                                             " {\"a\" 1}",
                                             " [[:poll {\"k\" [[0 1]]}]]",
                                             " [[:send \"k\" [0 1]]]",
                                             " [0 nil]",
                                             " [0 3]"};
  int imported = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = text;
    const int edits = 1 + static_cast<int>(next() % 2);
    for (int e = 0; e < edits; ++e) {
      const size_t at = next() % mutated.size();
      if (next() % 2 == 0) {
        mutated.insert(at, snippets[next() % snippets.size()]);
      } else {
        mutated.erase(at, 1 + next() % 8);
      }
      if (mutated.empty()) mutated = "nil";
    }
    std::istringstream in(mutated);
    const auto history = import(in);
    if (history.ok()) {
      ++imported;
    } else {
      EXPECT_EQ(history.error().rfind("line ", 0), 0u) << history.error();
    }
  }
  // Some edits keep the history importable (an edit inside a string, an
  // ignored key...): both paths are exercised.
  EXPECT_GT(imported, 30);
  EXPECT_LT(imported, 2970);
}

TEST(MaelstromCorruption, EditedKafkaHistoriesImportOrAreRefused) {
  const std::string text = first_lines(testing::testdata("kafka-valid") / "history.edn", 30) +
                           first_lines(testing::testdata("kafka-poll-skip") / "history.edn", 30);
  corrupt_and_import(
      text, [](std::istream& in) { return read_maelstrom_kafka_history(in); }, 99);
}

TEST(MaelstromCorruption, EditedLinKvHistoriesImportOrAreRefused) {
  const std::string text = first_lines(testing::testdata("linkv-info-fail") / "history.edn", 30) +
                           first_lines(testing::testdata("linkv-register") / "history.edn", 30);
  corrupt_and_import(
      text, [](std::istream& in) { return read_maelstrom_linkv_history(in); }, 7);
}

}  // namespace
}  // namespace eddy::checker
