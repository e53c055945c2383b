#include "sim/huge_pages.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>

#if defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace eddy::sim {

void advise_huge_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  constexpr uintptr_t kPage = 4096;
  if (bytes < kHugePage) return;
  // madvise wants page-aligned bounds: the whole pages inside the buffer.
  const auto begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
  const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
  if (end <= begin) return;
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

void use_huge_page_heap(size_t reserve_bytes) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  const int reserve = static_cast<int>(
      std::min<size_t>(reserve_bytes, static_cast<size_t>(std::numeric_limits<int>::max())));
  // Blocks up to 32 MiB from the heap, not a mapping each, faulted in page
  // by page (a larger one, a history at high rates, stays a mapping of its
  // own, advised by reserve_history); memory freed kept for reuse; the heap
  // grown `reserve` at a time; and the history feed's and the checker's
  // threads on the same heap.
  (void)mallopt(M_MMAP_THRESHOLD, std::min(reserve, 32 << 20));
  (void)mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  (void)mallopt(M_TOP_PAD, reserve);
  (void)mallopt(M_ARENA_MAX, 1);
  // A block larger than what is left of the heap's start-up growth makes it
  // grow by `reserve` now; that growth, the heap's new end, is advised.
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  // Written to, so that the compiler keeps the malloc it could otherwise
  // pair with the free and drop.
  auto* const probe = static_cast<volatile char*>(std::malloc(size_t{2} << 20));
  if (probe != nullptr) *probe = 0;
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  std::free(const_cast<char*>(probe));
  if (after > before) advise_huge_pages(reinterpret_cast<const void*>(before), after - before);
#else
  (void)reserve_bytes;
#endif
}

}  // namespace eddy::sim
