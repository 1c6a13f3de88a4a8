#include "common/allocator/allocator.h"

#include <sys/types.h>

#include <string>

#ifdef IMAGEGEN_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

// Read by jemalloc before main (the MALLOC_CONF environment variable still overrides it).
// One arena for every thread (the io threads, curl's, the blocking pool's): each thread's cache
// still serves most calls without a lock, and pages one thread frees are there for the others,
// so the resident size of 2,000 requests in flight stays within budget. Freed pages go back to
// the kernel after 2 s instead of 10, for the same reason; muzzy pages are skipped. Every
// page given back costs an madvise, whose TLB shootdown interrupts the process's other cores,
// and a page fault when it is used again: with one arena per core and a 1 s decay that was ~16 %
// of the worker's CPU with 2,000 slow requests in flight (docs/bench.md, eighth round).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "narenas:1,dirty_decay_ms:2000,muzzy_decay_ms:0";
}
#endif

namespace imagegen {

std::string allocator_name() {
#ifdef IMAGEGEN_WITH_JEMALLOC
  // The settings in effect, so an operator who overrides them with MALLOC_CONF sees that it took.
  const char* version = nullptr;
  unsigned narenas = 0;
  ssize_t dirty_ms = 0;
  std::size_t size = sizeof(version);
  std::string name = "jemalloc";
  if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
    name += ' ';
    name += version;
  }
  size = sizeof(narenas);
  const bool got_arenas = mallctl("opt.narenas", &narenas, &size, nullptr, 0) == 0;
  size = sizeof(dirty_ms);
  const bool got_decay = mallctl("opt.dirty_decay_ms", &dirty_ms, &size, nullptr, 0) == 0;
  if (got_arenas && got_decay) {
    name += " (arenas " + std::to_string(narenas) + ", dirty decay " + std::to_string(dirty_ms) +
            " ms)";
  }
  return name;
#else
  return "glibc malloc";
#endif
}

}  // namespace imagegen
