#pragma once
// What happens after a webhook attempt, and when the next one is due. Pure (the random draw is
// passed in), so the schedule is unit-tested without clocks or sockets.
//
// Schedule: the pause after failed attempt k (1-based) is base * 3.2^(k-1), drawn uniformly from
// 75%..125% of that (jitter, so receivers that failed together are not retried together). With
// the default base of 5 s the nominal pauses are 5 s, 16 s, 51 s, 2.7 min, 8.7 min, 28 min,
// 1.5 h, 4.8 h and 15.3 h: ten attempts over about 22 hours, then the delivery is failed.
// (The lead folds this into common/backoff when it lands.)
#include <chrono>
#include <optional>

namespace imagegen::worker::webhooks {

struct RetryPolicy {
  std::chrono::milliseconds base{5000};
  double factor = 3.2;
  int max_attempts = 10;
};

enum class Verdict { kDelivered, kRetry, kFailed };

// An attempt's verdict. `http_status` is empty when no response came (connection error,
// timeout); `refused` when the target resolved to a forbidden address (never retried: the
// address rule will not change). 2xx delivers; 410 Gone stops; anything else retries until
// `attempt` reaches the policy's maximum.
Verdict classify(std::optional<int> http_status, bool refused, int attempt,
                 const RetryPolicy& policy);

// The pause before attempt `attempt` + 1 after attempt `attempt` failed; random01 in [0, 1).
std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double random01);

}  // namespace imagegen::worker::webhooks
