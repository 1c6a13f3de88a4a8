#pragma once
// Names the calling thread as `top -H`, `perf` and /proc/PID/task/*/comm show it, so an
// operator can tell a saturated io thread from the storage helper. Linux keeps 15 bytes; the
// rest is cut. Best effort: a failure changes nothing else.
#include <string_view>

namespace imagegen {

void set_thread_name(std::string_view name);

}  // namespace imagegen
