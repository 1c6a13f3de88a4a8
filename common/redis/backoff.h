#pragma once
// How long to wait before the next reconnect attempt. Pure, so the policy is unit-tested.
#include <chrono>

namespace imagegen::redis {

// Pause before reconnect attempt `attempt` (1 = first retry after a failure). The ceiling grows
// as min(max, initial * 2^(attempt-1)); a random part of its upper half is kept ("equal
// jitter") so many clients that lost the same server do not all come back in the same
// millisecond. `random01` is a uniform draw from [0, 1), passed in to keep this pure.
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds initial,
                                        std::chrono::milliseconds max, double random01);

}  // namespace imagegen::redis
