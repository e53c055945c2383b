// PreviousRun: clears a run folder of the last run's files while the new
// run goes, so that writing the new ones costs no truncation.
//
// A run folder is usually an earlier run's: the default one,
// runs/<workload>-<strategy>-<n>n-seed<s>, is the same for the same command.
// Opening a file over an old one truncates the old one first, and on ext4
// (this machine's, mounted with discard) truncating seed 001's 4.9 MB
// history.jsonl took 3 to 8 ms of a 40 ms run, on the history writer's path,
// and even a 1 KB report.txt took 0.3 ms. So `eddy-sim test` starts a
// PreviousRun first: it deletes the files a run writes at the folder's top
// level (history.jsonl, report.html, journal.jsonl, results.json,
// report.txt) on a thread of its own while the simulation runs on the other
// core, and the writers, after wait(), create fresh files.
//
// What this changes for a user: once a run has started, its folder no longer
// holds the earlier run's results, even if the new run is interrupted; it
// never holds a mix of two runs' files. Anything else in it is left alone.
#pragma once

#include <filesystem>
#include <thread>

namespace eddy::sim {

class PreviousRun {
 public:
  // Starts deleting the earlier run's large files in `dir`, if there are
  // any; a folder that does not exist is left alone.
  explicit PreviousRun(std::filesystem::path dir);
  // Returns once they are gone (or could not be deleted: then writing the
  // new ones truncates them, as before). Call before writing into `dir`.
  void wait();

 private:
  std::jthread remover_;
};

}  // namespace eddy::sim
