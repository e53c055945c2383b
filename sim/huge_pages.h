// advise_huge_pages: asks Linux to back a large buffer with transparent huge
// pages (madvise MADV_HUGEPAGE), where the system allows it ("madvise" or
// "always" in /sys/kernel/mm/transparent_hugepage/enabled).
//
// Why: a run's history is reserved at once (sim/workload.h) and then written
// front to back, a page fault per 4 KiB; seed 001's history alone is about
// 13 MB, 3,300 faults, which cost more than a fifth of the run's wall time on
// a virtual machine. With huge pages it is a handful. Only the kernel's
// choice of page size changes: nothing that reaches a run's output.
#pragma once

#include <cstddef>

namespace eddy::sim {

// Best effort: buffers under 2 MiB, other systems and refusals are ignored.
void advise_huge_pages(const void* data, size_t bytes);

// The same for the whole heap, once, at the start of eddy-sim: glibc's malloc
// is told to grow its heap `reserve_bytes` at a time and never to give memory
// back during the run, and to serve blocks up to 32 MiB (a history, a lane)
// from the heap too; the first growth is then advised as above, and the
// next block starts on a 2 MiB boundary past what was written before the
// advice. A run allocates millions of small blocks (messages, records, ops'
// vectors) and touched each new 4 KiB page with a fault: on seed 001's
// command 2,480 faults, a third of its wall time on this virtual machine;
// about 200 now, most of them the program's own pages (tests/sim/
// huge_pages_test.cc checks that the growth is advised). Only addresses and
// the kernel's page size change, never what a run does. Under another
// allocator (ASan's) the heap does not grow and nothing is advised.
void use_huge_page_heap(size_t reserve_bytes);

// The same for the calling thread's own heap. glibc gives each thread that
// allocates an arena of its own, in a heap it maps apart (64 MiB reserved,
// made writable as it grows); this advises that reservation and makes its
// first `grow_bytes` writable at once. Called first thing on each thread
// that allocates while the run goes on (the history's feed, the report's
// columns). Why not one arena for every thread, as before: the feed
// allocates while the run does, and the shared arena's lock then put the
// run to sleep 100 to 400 times per partition command. A thread on the
// main arena (glibc's arena limit reached) or on another allocator is left
// as it is.
void advise_thread_heap(size_t grow_bytes = size_t{48} << 20);

}  // namespace eddy::sim
