#pragma once
// A TCP port that was free a moment ago, for servers started by tests. Another process could
// take it before the test binds it; a random port below the kernel's ephemeral range (which
// outgoing connections draw from) makes that unlikely.
#include <cstdint>

namespace imagegen::testing {

// A random port below the ephemeral range that 127.0.0.1 could bind just now, never the same one
// twice in a process; where that range starts too low, the port the kernel picks for :0.
// Throws std::runtime_error on failure (a broken test machine).
std::uint16_t free_port();

}  // namespace imagegen::testing
