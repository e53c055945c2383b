// Test support: where the stores are (the real ones in
// ../shared/corpus/maelstrom-stores, the hand-written ones in
// tests/store/testdata), reading a file, and counting completions the way
// Maelstrom's :stats does, to compare an import with results.edn.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "checker/history.h"
#include "checker/linkv_history.h"
#include "checker/maelstrom_store.h"

namespace eddy::checker::testing {

// A real Maelstrom store; fails the test (the caller should ASSERT on
// HasFatalFailure) when the corpus is not beside the repository.
inline std::filesystem::path corpus_store(const std::string& name) {
  const std::filesystem::path path =
      std::filesystem::path(EDDY_CORPUS_DIR) / "maelstrom-stores" / name;
  EXPECT_TRUE(std::filesystem::is_directory(path))
      << path << " is missing: the real Maelstrom stores live in ../shared/corpus beside the "
      << "repository (CI always has it)";
  return path;
}

inline std::filesystem::path testdata(const std::string& name) {
  return std::filesystem::path(EDDY_STORE_TESTDATA_DIR) / name;
}

inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Maelstrom's stats (jepsen checker/stats): completions of client ops, by
// type, overall and by f.
struct CompletionCounts {
  MaelstromCounts all;
  std::map<std::string, MaelstromCounts> by_f;
};

template <class History>
CompletionCounts completion_counts(const History& history) {
  CompletionCounts counts;
  for (const auto& op : history) {
    if (op.process == kNemesisProcess || op.type == OpType::kInvoke) continue;
    for (MaelstromCounts* c : {&counts.all, &counts.by_f[std::string(to_string(op.f))]}) {
      ++c->count;
      if (op.type == OpType::kOk) ++c->ok_count;
      if (op.type == OpType::kFail) ++c->fail_count;
      if (op.type == OpType::kInfo) ++c->info_count;
    }
  }
  return counts;
}

inline void PrintTo(const MaelstromCounts& c, std::ostream* out) {
  *out << "{count " << c.count << ", ok " << c.ok_count << ", fail " << c.fail_count << ", info "
       << c.info_count << "}";
}

}  // namespace eddy::checker::testing

namespace eddy::checker {
// For gtest's messages.
inline void PrintTo(const MaelstromCounts& c, std::ostream* out) { testing::PrintTo(c, out); }
}  // namespace eddy::checker
