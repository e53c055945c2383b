// use_huge_page_heap (sim/huge_pages.h): after the call, the heap's new
// growth is a mapping advised for transparent huge pages. /proc/self/smaps
// shows it as a mapping with "hg" among its VmFlags that starts where the
// heap ended before the call. This is what the simulator's speed rests on,
// and a compiler may drop the probe allocation that makes the heap grow
// (a malloc paired with a free): that once left the advice silently undone.
// Skipped where the allocator is not glibc's (ASan's replaces it) or there
// is no /proc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/huge_pages.h"
#include "sim/sanitizer.h"

namespace eddy::sim {
namespace {

constexpr bool kGlibcMalloc = !kAddressSanitized;

// Whether the mapping that starts at `start` is advised for huge pages.
bool advised_mapping_starts_at(uintptr_t start) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in_mapping = false;
  while (std::getline(smaps, line)) {
    // A mapping's header: "lo-hi perms offset dev inode [path]".
    const size_t dash = line.find('-');
    if (dash != std::string::npos && dash > 0 && line.find(' ') > dash &&
        line.find_first_not_of("0123456789abcdef") == dash) {
      in_mapping = std::stoull(line.substr(0, dash), nullptr, 16) == start;
      continue;
    }
    if (in_mapping && line.rfind("VmFlags:", 0) == 0) {
      std::istringstream flags(line.substr(8));
      std::string flag;
      while (flags >> flag) {
        if (flag == "hg") return true;
      }
      return false;
    }
  }
  return false;
}

TEST(HugePages, TheHeapsNewGrowthIsAdvised) {
#if !defined(__linux__) || !defined(__GLIBC__)
  GTEST_SKIP() << "glibc on Linux only";
#endif
  if (!kGlibcMalloc) GTEST_SKIP() << "another allocator than glibc's";
  if (!std::ifstream("/proc/self/smaps")) GTEST_SKIP() << "no /proc/self/smaps";
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  use_huge_page_heap(size_t{64} << 20);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  ASSERT_GE(after - before, size_t{64} << 20) << "the heap did not grow by the reserve";
  EXPECT_TRUE(advised_mapping_starts_at(before))
      << "no mapping advised for huge pages starts at the heap's old end";
}

}  // namespace
}  // namespace eddy::sim
