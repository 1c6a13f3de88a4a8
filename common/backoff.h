#pragma once
// The one retry backoff: exponential growth to a cap, randomised so that many clients that failed
// together do not retry together. Pure: the random draw is an argument.
#include <chrono>

namespace imagegen {

enum class Jitter {
  // Uniform in [0, ceiling): the widest spread, for upstream retries where any wait will do.
  kFull,
  // Uniform in [ceiling/2, ceiling]: never retries almost at once, for reconnects and loops.
  kEqual,
};

// The pause before retry number `attempt` (1 = the first retry after a failure). The ceiling is
// min(cap, base * 2^(attempt-1)), computed without overflow; `random01` is a uniform draw from
// [0, 1) (clamped), e.g. from unit_random(). base <= 0 counts as 1 ms; cap < base counts as base.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, double random01,
                                        Jitter jitter = Jitter::kEqual);

// A uniform draw from [0, 1) from a per-thread generator seeded from std::random_device: the
// random source for backoff_delay outside tests.
double unit_random();

}  // namespace imagegen
