// What a fresh page costs this machine: the first write to each 4 KiB page
// of a new anonymous mapping (a page fault each), against the same pages
// faulted in by one madvise(MADV_POPULATE_WRITE) call, as sim/huge_pages.h's
// PrefaultBeside does off the run's thread. The simulator's choices about
// memory (reserving the history, prefaulting it and the heap past it on the
// other core, leaving huge pages off by default) rest on these two figures,
// which differ widely between machines: on a virtual machine a fault may
// leave the guest.
//   build/release/bench/eddy-page-faults [MiB=16] [rounds=5]
// Prints microseconds per page for each, per round, and the medians.
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr size_t kPage = 4096;

// Maps `bytes` fresh (4 KiB pages: no huge page may serve the first write),
// faults them in by `populate` or by a write per page; microseconds per page.
double fresh_pages_us(size_t bytes, bool populate) {
  void* mapping = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapping == MAP_FAILED) {
    std::perror("mmap");
    std::exit(1);
  }
  (void)madvise(mapping, bytes, MADV_NOHUGEPAGE);
  auto* const data = static_cast<volatile char*>(mapping);
  const auto start = std::chrono::steady_clock::now();
  if (populate) {
#if defined(MADV_POPULATE_WRITE)
    if (madvise(mapping, bytes, MADV_POPULATE_WRITE) != 0) {
      std::perror("madvise(MADV_POPULATE_WRITE), Linux 5.14 on");
      std::exit(1);
    }
#else
    std::fprintf(stderr, "MADV_POPULATE_WRITE: not in this system's headers\n");
    std::exit(1);
#endif
  }
  for (size_t at = 0; at < bytes; at += kPage) data[at] = 1;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  munmap(mapping, bytes);
  return std::chrono::duration<double, std::micro>(elapsed).count() /
         static_cast<double>(bytes / kPage);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 16;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  if (mib == 0 || rounds <= 0) {
    std::fprintf(stderr, "usage: eddy-page-faults [MiB=16] [rounds=5]\n");
    return 2;
  }
  std::vector<double> touched;
  std::vector<double> populated;
  for (int round = 0; round < rounds; ++round) {
    touched.push_back(fresh_pages_us(mib << 20, false));
    populated.push_back(fresh_pages_us(mib << 20, true));
    std::printf("round %d: first write %.2f us/page, MADV_POPULATE_WRITE %.2f us/page\n", round + 1,
                touched.back(), populated.back());
  }
  std::printf("median of %d rounds of %zu MiB: first write %.2f us/page, populate %.2f us/page\n",
              rounds, mib, median(touched), median(populated));
  return 0;
}
