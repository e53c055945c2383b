// The heap's policy and transparent huge pages, which only a run's speed
// sees: nothing that reaches a run's output.
//
// Huge pages are opt-in (EDDY_HUGE_PAGES=1 in the environment). On this
// virtual machine they made runs back to back 10-25% faster at the median,
// a fault per 2 MiB instead of per 4 KiB (with now and then a run of up to
// 290 ms among them), but a single run after a few idle seconds three to
// four times slower: a free 2 MiB block is what the guest reports to the
// host as unused (virtio-balloon free page reporting, at order 9 here), so
// a huge page handed out again is often memory the host must back anew, 512
// of its pages at a time, up to 5 ms a fault. Measured with
// bench/sim_speed_ab.py and its gap between runs (docs/performance.md, "Single
// runs"): seed 001's command 138-200 ms against 34-40 ms after idle seconds.
// Other machines may differ; the opt-in keeps the choice open and tested.
#pragma once

#include <cstddef>
#include <thread>

namespace eddy::sim {

// Whether huge pages are asked for: EDDY_HUGE_PAGES=1.
bool huge_pages_wanted();

// Asks Linux to back a large buffer (a run's history, sim/workload.h) with
// transparent huge pages (madvise MADV_HUGEPAGE) where the system allows it
// ("madvise" or "always" in /sys/kernel/mm/transparent_hugepage/enabled).
// Only when huge_pages_wanted(); best effort: buffers under 2 MiB, other
// systems and refusals are ignored.
void advise_huge_pages(const void* data, size_t bytes);

// The heap's policy, once, at the start of eddy-sim: glibc's malloc is told
// to grow its heap `reserve_bytes` at a time and never to give memory back
// during the run, and to serve blocks up to 32 MiB (a history, a lane) from
// the heap too, rather than a mapping each, which the system would hand
// back and fault in anew. With huge_pages_wanted(), the first growth is
// then advised as above, and the next block starts on a 2 MiB boundary past
// what was written before the advice (tests/sim/huge_pages_test.cc checks
// both). Only addresses and page sizes change, never what a run does. Under
// another allocator (ASan's) the heap does not grow and nothing is advised.
void prepare_heap(size_t reserve_bytes);

// With huge_pages_wanted(), the same for the calling thread's own heap.
// glibc gives each thread that allocates an arena of its own, in a heap it
// maps apart (64 MiB reserved, made writable as it grows); this advises that
// reservation and makes its first `grow_bytes` writable at once. Called
// first thing on each thread that allocates while the run goes on (the
// history's feed, the report's columns). Why not one arena for every
// thread: the feed allocates while the run does, and the shared arena's
// lock then put the run to sleep 100 to 400 times per partition command. A
// thread on the main arena (glibc's arena limit reached) or on another
// allocator is left as it is.
void advise_thread_heap(size_t grow_bytes = size_t{48} << 20);

// Faults a buffer's pages in on a thread of its own (madvise
// MADV_POPULATE_WRITE, Linux 5.14 on), leaving what they hold as it is. For
// a buffer its owner then writes front to back while the run goes on, a
// run's history: each 4 KiB page's first write was a fault on the run's own
// thread, about 3,000 of them for seed 001's, and the kernel's work of
// backing them now happens on the other core. Seed 001's command: median
// 37.8 -> 33.2 ms back to back (docs/performance.md). Best effort: without
// the call or a thread, nothing happens. Waited for by wait() and the
// destructor, so that the buffer outlives it.
//
// A second range (the heap the run grows into, RecordedHistory::
// prefault_room) is faulted in beside the first, a thirty-second of each in
// turn, so that both stay ahead of a run that uses both from its start. On a
// virtual machine whose page faults cost 12-14 us each (bench/page_faults.cc),
// populating costs about half as much a page, and off the run's thread.
// Of the `wanted` bytes from `at` on, how many lie in the main heap, below
// the program break (glibc grows it M_TOP_PAD ahead, prepare_heap): 0 where
// `at` is not in it (a block mapped apart, another allocator's).
size_t heap_room_after(const void* at, size_t wanted);

class PrefaultBeside {
 public:
  PrefaultBeside() = default;
  PrefaultBeside(void* data, size_t bytes);
  // Two buffers used at the same pace: both fronts advance by the same share
  // of their sizes.
  PrefaultBeside(void* data, size_t bytes, void* also, size_t also_bytes);
  PrefaultBeside(PrefaultBeside&& other) noexcept = default;
  PrefaultBeside& operator=(PrefaultBeside&& other) noexcept {
    wait();
    thread_ = std::move(other.thread_);
    return *this;
  }
  ~PrefaultBeside() { wait(); }
  void wait() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

}  // namespace eddy::sim
