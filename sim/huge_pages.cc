#include "sim/huge_pages.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <system_error>

#include "sim/sanitizer.h"

#if defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#if defined(__linux__) && defined(__GLIBC__)
extern "C" char end;  // the end of the program's data: the heap lies above (end(3))
#endif

namespace eddy::sim {

#if defined(__linux__)
namespace {

constexpr uintptr_t kPage = 4096;
constexpr uintptr_t kHugePage = uintptr_t{2} << 20;

// The whole pages inside a buffer, [begin, end): madvise wants page-aligned
// bounds, and the pages at the buffer's ends may hold others' blocks.
struct PageRange {
  uintptr_t begin;
  uintptr_t end;
};
[[maybe_unused]] PageRange whole_pages(const void* data, size_t bytes) {
  const auto at = reinterpret_cast<uintptr_t>(data);
  return {(at + kPage - 1) & ~(kPage - 1), (at + bytes) & ~(kPage - 1)};
}

}  // namespace
#endif

bool huge_pages_wanted() {
  const char* wanted = std::getenv("EDDY_HUGE_PAGES");
  return wanted != nullptr && std::string_view(wanted) == "1";
}

void advise_huge_pages(const void* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (!huge_pages_wanted() || bytes < kHugePage) return;
  const PageRange pages = whole_pages(data, bytes);
  if (pages.end <= pages.begin) return;
  (void)madvise(reinterpret_cast<void*>(pages.begin), pages.end - pages.begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
namespace {

// A huge page backs a 2 MiB range of an advised mapping on its first fault
// only if the range is writable as a whole and none of its 4 KiB pages is
// backed yet. A range that glibc wrote in before the advice (a block's or
// the heap top's header, an arena's own record), or while it was writable
// only in part, faults in page by page: 512 faults, about 1 ms on this
// virtual machine. The functions below keep such ranges out of use.

// Mallocs `bytes`, writes its first byte (so that the compiler keeps a
// malloc it could otherwise pair with the free and drop) and frees it;
// returns its address, or 0.
uintptr_t touch_and_free(size_t bytes) {
  auto* const block = static_cast<volatile char*>(std::malloc(bytes));
  if (block == nullptr) return 0;
  *block = 0;
  const auto at = reinterpret_cast<uintptr_t>(block);
  std::free(const_cast<char*>(block));
  return at;
}

// Starts the calling thread's next heap block at the first 2 MiB boundary
// past both the heap's top and `past`: a block that fills the heap up to
// there is kept and never written beyond its first page. Pages never
// written are never backed, so it costs address space only.
void skip_to_huge_page_boundary(uintptr_t past) {
  constexpr uintptr_t kSlack = 64;  // room for a block's header and alignment
  const uintptr_t top = touch_and_free(1);
  if (top == 0) return;
  const uintptr_t boundary = (std::max(top, past) + kSlack + kHugePage - 1) & ~(kHugePage - 1);
  // Ending a little past the boundary: the next block's header too is past it.
  const uintptr_t size = boundary - top;
  auto* const filler = static_cast<volatile char*>(std::malloc(size));
  if (filler == nullptr) return;
  *filler = 0;  // its first page, where its header already is
  // Cut from the top, the filler reaches the boundary; from a free block
  // further down, it ends short of it and is of no use.
  if (reinterpret_cast<uintptr_t>(filler) + size < boundary) {
    std::free(const_cast<char*>(filler));
  }
}

}  // namespace
#endif

void prepare_heap(size_t reserve_bytes) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  const int reserve = static_cast<int>(
      std::min<size_t>(reserve_bytes, static_cast<size_t>(std::numeric_limits<int>::max())));
  // Blocks up to 32 MiB from the heap, not a mapping each, faulted in page
  // by page (a larger one, a history at high rates, stays a mapping of its
  // own); memory freed kept for reuse; and the heap grown `reserve` at a
  // time. Other threads keep arenas of their own (advise_thread_heap).
  (void)mallopt(M_MMAP_THRESHOLD, std::min(reserve, 32 << 20));
  (void)mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  (void)mallopt(M_TOP_PAD, reserve);
  if (!huge_pages_wanted()) return;
  // A block larger than what is left of the heap's start-up growth makes it
  // grow by `reserve` now; that growth, the heap's new end, is advised.
  constexpr size_t kProbe = kHugePage;
  const auto before = reinterpret_cast<uintptr_t>(sbrk(0));
  const uintptr_t probe = touch_and_free(kProbe);
  const auto after = reinterpret_cast<uintptr_t>(sbrk(0));
  if (after > before) {
    advise_huge_pages(reinterpret_cast<const void*>(before), after - before);
    // The probe's first byte and the header glibc wrote past its end were
    // written before the advice.
    skip_to_huge_page_boundary(probe + kProbe);
  }
#else
  (void)reserve_bytes;
#endif
}

void advise_thread_heap(size_t grow_bytes) {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE)
  if (kAddressSanitized || !huge_pages_wanted()) return;  // (ASan's allocator: no glibc heaps)
  // glibc maps a thread arena's heap aligned to the heap's largest size,
  // 64 MiB on a 64-bit system, and makes it writable as it grows; the main
  // arena is the brk heap, below the program break.
  constexpr uintptr_t kHeapMax = uintptr_t{64} << 20;
  const uintptr_t at = touch_and_free(64);
  if (at == 0 || at < reinterpret_cast<uintptr_t>(sbrk(0))) return;  // the main arena
  (void)madvise(reinterpret_cast<void*>(at & ~(kHeapMax - 1)), kHeapMax, MADV_HUGEPAGE);
  // The heap is made writable `grow_bytes` at once: grown block by block, it
  // would leave each new range writable only in part when first written.
  // Two ranges are spoilt: the one glibc's arena record is in, which the
  // next block starts past, and the one where this growth ends (the top's
  // header is written there now), which a thread meets only once it uses
  // nearly all of the growth.
  (void)touch_and_free(std::min<size_t>(grow_bytes, kHeapMax - 2 * kHugePage));
  skip_to_huge_page_boundary(0);
#else
  (void)grow_bytes;
#endif
}

size_t heap_room_after(const void* at, size_t wanted) {
#if defined(__linux__) && defined(__GLIBC__)
  if (kAddressSanitized || wanted == 0) return 0;
  const auto from = reinterpret_cast<uintptr_t>(at);
  const auto brk = reinterpret_cast<uintptr_t>(sbrk(0));
  if (from < reinterpret_cast<uintptr_t>(&end) || from >= brk) return 0;
  return static_cast<size_t>(std::min<uintptr_t>(wanted, brk - from));
#else
  (void)at;
  (void)wanted;
  return 0;
#endif
}

PrefaultBeside::PrefaultBeside(void* data, size_t bytes)
    : PrefaultBeside(data, bytes, nullptr, 0) {}

PrefaultBeside::PrefaultBeside(void* data, size_t bytes, void* also, size_t also_bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  const PageRange pages = whole_pages(data, bytes);
  const PageRange also_pages = also != nullptr ? whole_pages(also, also_bytes) : PageRange{0, 0};
  if (pages.end <= pages.begin && also_pages.end <= also_pages.begin) return;
  try {
    thread_ = std::thread([pages, also_pages] {
      constexpr uintptr_t kSlices = 32;
      const auto populate = [](const PageRange& range, uintptr_t slice) {
        if (range.end <= range.begin) return;
        const uintptr_t length = range.end - range.begin;
        const uintptr_t from = range.begin + (length * slice / kSlices & ~(kPage - 1));
        const uintptr_t to = slice + 1 == kSlices
                                 ? range.end
                                 : range.begin + (length * (slice + 1) / kSlices & ~(kPage - 1));
        if (to > from) (void)madvise(reinterpret_cast<void*>(from), to - from, MADV_POPULATE_WRITE);
      };
      for (uintptr_t slice = 0; slice < kSlices; ++slice) {
        populate(pages, slice);
        populate(also_pages, slice);
      }
    });
  } catch (const std::system_error&) {
    // No thread: the pages fault in as they are written, as before.
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace eddy::sim
