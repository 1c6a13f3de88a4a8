#pragma once
// Counters of one Redis connection, for the owners' metrics (every logged failure has a counter).
#include <cstdint>

namespace imagegen::redis {

struct ConnectionStats {
  std::uint64_t connects = 0;          // handshakes completed (the first connect included)
  std::uint64_t disconnects = 0;       // ready connections lost
  std::uint64_t connect_failures = 0;  // attempts that never got ready
  std::uint64_t timeouts = 0;          // commands that missed their deadline
};

}  // namespace imagegen::redis
