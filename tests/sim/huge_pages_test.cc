// sim/huge_pages.h, with huge pages asked for (EDDY_HUGE_PAGES=1):
// prepare_heap leaves the heap's new growth a mapping advised for transparent
// huge pages; /proc/self/smaps shows it as a mapping with "hg" among its
// VmFlags that starts where the heap ended before the call. A compiler may
// drop the probe allocation that makes the heap grow (a malloc paired with a
// free): that once left the advice silently undone. advise_thread_heap: a
// thread's next block lies in its own heap, advised, past the heap's first
// 2 MiB (which glibc wrote in before the advice). Without the opt-in nothing
// is advised: the default, since huge pages made single runs on a virtual
// machine slower (sim/huge_pages.h).
// Skipped where the allocator is not glibc's (ASan's replaces it) or there
// is no /proc. Each check runs in a process of its own (gtest re-runs this
// binary for the one test): it checks how a fresh process's heaps grow,
// which the other tests of a whole-binary run would have grown already.
// PrefaultBeside: a buffer's pages are resident once it is done, and its
// bytes unchanged; so are a second buffer's, faulted in beside the first.
// heap_room_after: the room from a heap block to the program break, none
// from a block mapped apart or the stack.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sim/huge_pages.h"
#include "sim/sanitizer.h"

namespace eddy::sim {
namespace {

constexpr bool kGlibcMalloc = !kAddressSanitized;

// Whether a smaps "VmFlags:" line has "hg": advised for huge pages.
bool flags_say_advised(const std::string& line) {
  std::istringstream flags(line.substr(8));
  std::string flag;
  while (flags >> flag) {
    if (flag == "hg") return true;
  }
  return false;
}

// Whether the first mapping `is_it(lo, hi)` picks is advised for huge pages.
template <class Pick>
bool advised_mapping(Pick is_it) {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool in_mapping = false;
  while (std::getline(smaps, line)) {
    // A mapping's header: "lo-hi perms offset dev inode [path]".
    const size_t dash = line.find('-');
    if (dash != std::string::npos && dash > 0 && line.find(' ') > dash &&
        line.find_first_not_of("0123456789abcdef") == dash) {
      const size_t space = line.find(' ');
      in_mapping = is_it(std::stoull(line.substr(0, dash), nullptr, 16),
                         std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16));
      continue;
    }
    if (in_mapping && line.rfind("VmFlags:", 0) == 0) return flags_say_advised(line);
  }
  return false;
}

bool advised_mapping_starts_at(uintptr_t start) {
  return advised_mapping([&](uintptr_t lo, uintptr_t) { return lo == start; });
}
bool any_mapping_advised() {
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  while (std::getline(smaps, line)) {
    if (line.rfind("VmFlags:", 0) == 0 && flags_say_advised(line)) return true;
  }
  return false;
}
bool advised_mapping_contains(uintptr_t at) {
  return advised_mapping([&](uintptr_t lo, uintptr_t hi) { return lo <= at && at < hi; });
}

// Why these tests cannot run here, or null if they can.
const char* why_untestable() {
#if !defined(__linux__) || !defined(__GLIBC__)
  return "glibc on Linux only";
#endif
  if (!kGlibcMalloc) return "another allocator than glibc's";
  if (!std::ifstream("/proc/self/smaps")) return "no /proc/self/smaps";
  return nullptr;
}

// Runs `check` in a fresh process, which fails with the reason `check`
// returns (empty: it passed) on its standard error.
void expect_in_fresh_process(std::string (*check)(), bool huge_pages) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (huge_pages) {
          setenv("EDDY_HUGE_PAGES", "1", 1);
        } else {
          unsetenv("EDDY_HUGE_PAGES");
        }
        const std::string failure = check();
        std::fputs(failure.c_str(), stderr);
        std::_Exit(failure.empty() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

std::string check_heap_growth_advised() {
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  prepare_heap(size_t{64} << 20);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  if (after - before < size_t{64} << 20) return "the heap did not grow by the reserve";
  if (!advised_mapping_starts_at(before)) {
    return "no mapping advised for huge pages starts at the heap's old end";
  }
  return "";
}

std::string check_nothing_advised() {
  prepare_heap(size_t{64} << 20);
  auto* const history = static_cast<volatile char*>(std::malloc(size_t{8} << 20));
  if (history == nullptr) return "no block";
  *history = 1;
  advise_huge_pages(const_cast<char*>(history), size_t{8} << 20);
  std::thread([] {
    advise_thread_heap(size_t{8} << 20);
    auto* const block = static_cast<volatile char*>(std::malloc(4096));
    if (block != nullptr) *block = 1;
    std::free(const_cast<char*>(block));
  }).join();
  const bool advised = any_mapping_advised();
  std::free(const_cast<char*>(history));
  return advised ? "a mapping is advised for huge pages without EDDY_HUGE_PAGES=1" : "";
}

std::string check_thread_heap_advised() {
  constexpr uintptr_t kHeapMax = uintptr_t{64} << 20;  // glibc's, on a 64-bit system
  uintptr_t block_at = 0;
  bool advised = false;
  std::thread([&] {
    advise_thread_heap(size_t{8} << 20);
    auto* const block = static_cast<volatile char*>(std::malloc(4096));
    if (block == nullptr) return;
    *block = 1;
    block_at = reinterpret_cast<uintptr_t>(block);
    advised = advised_mapping_contains(block_at);
    std::free(const_cast<char*>(block));
  }).join();
  if (block_at == 0) return "the thread's block was not allocated";
  if (block_at <= reinterpret_cast<uintptr_t>(sbrk(0))) {
    return "the thread allocated from the main arena, not from a heap of its own";
  }
  if (!advised) return "the thread's heap is not advised for huge pages";
  if ((block_at & (kHeapMax - 1)) < uintptr_t{2} << 20) {
    return "the thread's next block is in its heap's first 2 MiB, written before the advice";
  }
  return "";
}

TEST(HugePages, TheHeapsNewGrowthIsAdvised) {
  if (const char* why = why_untestable()) GTEST_SKIP() << why;
  expect_in_fresh_process(check_heap_growth_advised, /*huge_pages=*/true);
}

TEST(HugePages, AThreadsOwnHeapIsAdvisedAndUsedPastItsFirstHugePage) {
  if (const char* why = why_untestable()) GTEST_SKIP() << why;
  expect_in_fresh_process(check_thread_heap_advised, /*huge_pages=*/true);
}

TEST(HugePages, NothingIsAdvisedUnlessAskedFor) {
  if (const char* why = why_untestable()) GTEST_SKIP() << why;
  expect_in_fresh_process(check_nothing_advised, /*huge_pages=*/false);
}

// PrefaultBeside: once waited for, every whole page inside the buffer is
// resident, and what the buffer held is unchanged.
TEST(PrefaultBeside, FaultsTheBuffersPagesInAndLeavesItsBytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr size_t kPage = 4096;
  constexpr size_t kBytes = 256 * kPage;
  void* const mapped =
      mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapped, MAP_FAILED);
  auto* const bytes = static_cast<unsigned char*>(mapped);
  if (madvise(bytes, kPage, MADV_POPULATE_WRITE) != 0) {
    munmap(mapped, kBytes);
    GTEST_SKIP() << "MADV_POPULATE_WRITE refused (Linux before 5.14?)";
  }
  bytes[0] = 42;
  bytes[kBytes - 1] = 7;
  std::vector<unsigned char> resident(kBytes / kPage);
  ASSERT_EQ(mincore(bytes, kBytes, resident.data()), 0);
  ASSERT_EQ(std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }),
            2)
      << "a page was resident before the prefault";
  {
    PrefaultBeside prefault(bytes, kBytes);
    prefault.wait();
  }
  ASSERT_EQ(mincore(bytes, kBytes, resident.data()), 0);
  EXPECT_TRUE(std::all_of(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }))
      << "some page of the buffer is not resident after the prefault";
  EXPECT_EQ(bytes[0], 42);
  EXPECT_EQ(bytes[kBytes - 1], 7);
  EXPECT_EQ(bytes[kBytes / 2], 0);
  munmap(mapped, kBytes);
#else
  GTEST_SKIP() << "Linux 5.14's MADV_POPULATE_WRITE only";
#endif
}

#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
// How many of [data, data + bytes)'s pages are resident.
size_t resident_pages(unsigned char* data, size_t bytes) {
  std::vector<unsigned char> resident(bytes / 4096);
  EXPECT_EQ(mincore(data, bytes, resident.data()), 0);
  return static_cast<size_t>(
      std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; }));
}
#endif

TEST(PrefaultBeside, FaultsTwoBuffersInSideBySide) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  constexpr size_t kPage = 4096;
  // Sizes that do not divide into the slices evenly, one under a slice a page.
  for (const auto& [first_pages, second_pages] :
       std::vector<std::pair<size_t, size_t>>{{256, 37}, {1, 300}, {45, 0}, {0, 33}}) {
    const size_t total = (first_pages + second_pages + 1) * kPage;
    void* const mapped =
        mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mapped, MAP_FAILED);
    auto* const first = static_cast<unsigned char*>(mapped);
    // A page between the two that neither covers.
    unsigned char* const second = first + (first_pages + 1) * kPage;
    void* const scratch =
        mmap(nullptr, kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(scratch, MAP_FAILED);
    const bool supported = madvise(scratch, kPage, MADV_POPULATE_WRITE) == 0;
    munmap(scratch, kPage);
    if (!supported) {
      munmap(mapped, total);
      GTEST_SKIP() << "MADV_POPULATE_WRITE refused (Linux before 5.14?)";
    }
    ASSERT_EQ(resident_pages(first, total), 0u) << "a page was resident before the prefault";
    if (second_pages > 0) second[second_pages * kPage - 1] = 9;
    { PrefaultBeside prefault(first, first_pages * kPage, second, second_pages * kPage); }
    EXPECT_EQ(resident_pages(first, first_pages * kPage), first_pages) << first_pages;
    EXPECT_EQ(resident_pages(second, second_pages * kPage), second_pages) << second_pages;
    EXPECT_EQ(resident_pages(first + first_pages * kPage, kPage), 0u) << "the page between";
    if (second_pages > 0) {
      EXPECT_EQ(second[second_pages * kPage - 1], 9);
    }
    munmap(mapped, total);
  }
#else
  GTEST_SKIP() << "Linux 5.14's MADV_POPULATE_WRITE only";
#endif
}

TEST(HeapRoomAfter, FromAHeapBlockToTheBreakOnly) {
  if (!kGlibcMalloc) {
    int on_stack = 0;
    EXPECT_EQ(heap_room_after(&on_stack, 4096), 0u);
    GTEST_SKIP() << "glibc's heap only";
  }
#if defined(__linux__) && defined(__GLIBC__)
  // A small block from this (the main) thread comes from the main heap.
  void* const block = std::malloc(64);
  ASSERT_NE(block, nullptr);
  const auto brk = reinterpret_cast<uintptr_t>(sbrk(0));
  const auto at = reinterpret_cast<uintptr_t>(block);
  ASSERT_LT(at, brk);
  EXPECT_EQ(heap_room_after(block, 4096), std::min<size_t>(4096, brk - at));
  EXPECT_EQ(heap_room_after(block, size_t{1} << 40), brk - at) << "capped at the break";
  EXPECT_EQ(heap_room_after(block, 0), 0u);
  std::free(block);
  // A mapping of its own, and the stack, are not the heap.
  void* const mapped =
      mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mapped, MAP_FAILED);
  EXPECT_EQ(heap_room_after(mapped, 4096), 0u);
  munmap(mapped, 4096);
  int on_stack = 0;
  EXPECT_EQ(heap_room_after(&on_stack, 4096), 0u);
#endif
}

}  // namespace
}  // namespace eddy::sim
