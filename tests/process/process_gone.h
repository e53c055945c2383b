// process_gone: whether a process has ended, for the tests that no child
// outlives its runner (tests/sim/child_process_test.cc,
// tests/process/process_mode_test.cc). Header-only: both test targets glob
// only *_test.cc files.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

namespace eddy::testing {

// True once `pid` is gone, or a zombie about to be reaped by init, within 3 s.
inline bool process_gone(pid_t pid) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < until) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!stat || !std::getline(stat, line) || line.find(") Z ") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace eddy::testing
