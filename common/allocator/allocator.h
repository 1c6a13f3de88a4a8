#pragma once
// Which malloc the process runs on, for the start-up log line. The api and the worker link
// jemalloc (CMake option IMAGEGEN_JEMALLOC, on unless sanitizing): with glibc's malloc about a
// sixth of the worker's CPU in the slow benchmark cell went to malloc and free (docs/bench.md).
#include <string>

namespace imagegen {

// "jemalloc 5.3.0-..." or "glibc malloc".
std::string allocator_name();

}  // namespace imagegen
