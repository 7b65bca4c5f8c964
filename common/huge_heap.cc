#include "common/huge_heap.h"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace vigil {

void PreferHugePagesForHeap(size_t bytes) {
  constexpr uintptr_t kHuge = 2u << 20;
  // Heap growth and large blocks come from one region, grown `bytes` at a time.
  // (glibc takes no mmap threshold above 32 MiB.)
  const size_t threshold = bytes / 2 < (size_t{32} << 20) ? bytes / 2 : size_t{32} << 20;
  mallopt(M_MMAP_THRESHOLD, static_cast<int>(threshold));
  mallopt(M_TOP_PAD, static_cast<int>(bytes));
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(bytes * 2));
  const uintptr_t before = reinterpret_cast<uintptr_t>(sbrk(0));
  // More than the top of the heap holds: it grows, by that and `bytes` more. (Not touched: the
  // pages come when the allocations that follow use them.)
  // (Through a volatile pointer: an allocation nothing uses may be left out by the compiler.)
  void* volatile touch = std::malloc(threshold / 2);
  const uintptr_t after = reinterpret_cast<uintptr_t>(sbrk(0));
  std::free(touch);
  if (before == static_cast<uintptr_t>(-1) || after <= before) return;
  const uintptr_t start = (before + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = after & ~(kHuge - 1);
  if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
}

}  // namespace vigil
