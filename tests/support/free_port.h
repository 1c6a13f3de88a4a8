#pragma once
// A TCP port that was free a moment ago, for servers started by tests. Another process could
// take it before the test binds it; binding port 0 and reading it back makes that unlikely.
#include <cstdint>

namespace imagegen::testing {

// Binds 127.0.0.1:0, reads the port the kernel chose, closes. Throws std::runtime_error on
// failure (a broken test machine).
std::uint16_t free_port();

}  // namespace imagegen::testing
