// A short-lived process that builds a large working set at once (vigil simulate on a big CIB)
// spends much of its time in page faults, one per 4 KiB page first touched: more so in a
// virtual machine. Asking for transparent huge pages on the heap (the kernel's "madvise" mode)
// makes that one fault per 2 MiB, as glibc's glibc.malloc.hugetlb=1 tunable would.
#pragma once

#include <cstddef>

namespace vigil {

// Grows the heap by `bytes` in one step, marks it MADV_HUGEPAGE, and keeps allocations up to
// `bytes` on the heap (not each in an mmap of its own). Best effort: nothing happens where the
// kernel or the allocator says no. Call once, early, before the large allocations.
void PreferHugePagesForHeap(size_t bytes);

}  // namespace vigil
