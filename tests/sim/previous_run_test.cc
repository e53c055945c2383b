// PreviousRun (sim/previous_run.h): the files an earlier run wrote at the
// folder's top level are gone after wait(), anything else in the folder
// stays, and a folder that does not exist is neither created nor an error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/previous_run.h"

namespace eddy::sim {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("eddy-previous-run-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

void write(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
}

TEST(PreviousRun, DeletesTheRunsFilesAndKeepsTheRest) {
  const fs::path dir = fresh_dir("full");
  fs::create_directories(dir / "nodes");
  for (const char* name : {"history.jsonl", "report.html", "journal.jsonl", "results.json",
                           "report.txt", "notes.md"}) {
    write(dir / name, std::string(1 << 16, 'x'));
  }
  write(dir / "nodes" / "n0.log", "log");
  PreviousRun previous(dir);
  previous.wait();
  EXPECT_FALSE(fs::exists(dir / "history.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "journal.jsonl"));
  EXPECT_FALSE(fs::exists(dir / "results.json"));
  EXPECT_FALSE(fs::exists(dir / "report.txt"));
  EXPECT_TRUE(fs::exists(dir / "notes.md"));
  EXPECT_TRUE(fs::exists(dir / "nodes" / "n0.log"));
  fs::remove_all(dir);
}

TEST(PreviousRun, LeavesAMissingFolderAlone) {
  const fs::path dir = fresh_dir("missing");
  PreviousRun previous(dir);
  previous.wait();
  previous.wait();  // a second wait is harmless
  EXPECT_FALSE(fs::exists(dir));
}

TEST(PreviousRun, AFolderWithoutThemIsUnchanged) {
  const fs::path dir = fresh_dir("partial");
  fs::create_directories(dir);
  write(dir / "notes.md", "mine");
  {
    PreviousRun previous(dir);  // destroyed without wait(): joins itself
  }
  EXPECT_TRUE(fs::exists(dir / "notes.md"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace eddy::sim
