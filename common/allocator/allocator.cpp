#include "common/allocator/allocator.h"

#ifdef IMAGEGEN_WITH_JEMALLOC
#include <jemalloc/jemalloc.h>

// Read by jemalloc before main (the MALLOC_CONF environment variable still overrides it).
// One arena per CPU, chosen by the CPU a thread runs on: the io threads, curl's and the blocking
// pool's threads share as many arenas as there are cores, instead of four per core, which keeps
// the resident size of 2,000 requests in flight within budget. Freed pages go back to the
// kernel after a second instead of ten, for the same reason; muzzy pages are skipped.
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's interface.
const char* malloc_conf = "percpu_arena:percpu,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

namespace imagegen {

std::string allocator_name() {
#ifdef IMAGEGEN_WITH_JEMALLOC
  const char* version = nullptr;
  std::size_t size = sizeof(version);
  if (mallctl("version", &version, &size, nullptr, 0) == 0 && version != nullptr) {
    return std::string("jemalloc ") + version;
  }
  return "jemalloc";
#else
  return "glibc malloc";
#endif
}

}  // namespace imagegen
