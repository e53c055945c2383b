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

}  // namespace eddy::sim
