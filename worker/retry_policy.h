#pragma once
// The one place that decides whether a failed upstream call is tried again, and when.
// Pure: the caller passes the failure, the attempt count, the time left and a random number.
#include <chrono>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

struct RetryPolicy {
  int max_attempts = 4;                       // total tries, the first one included
  std::chrono::milliseconds base_delay{200};  // backoff before the 2nd try; doubles after
  std::chrono::milliseconds max_delay{5000};  // cap on the computed backoff (not Retry-After)
  // Do not start a try with less time than this before the deadline: it could not finish.
  std::chrono::milliseconds min_attempt_time{100};
};

struct RetryDecision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // wait this long before the next try
  std::string_view reason;             // why we give up, or "retry" (static text, for logs)
};

// Whether to retry after try number `attempt` (1-based) failed with `kind`.
// ContentBlocked, QuotaExhausted, BadRequest and Auth never retry. Others retry until
// max_attempts, waiting Retry-After when the provider gave one, else full-jitter exponential
// backoff (uniform in [0, min(max_delay, base_delay * 2^(attempt-1)))), and never when the wait
// plus min_attempt_time would pass the job deadline. `unit_random` is uniform in [0, 1).
RetryDecision decide_retry(ProviderErrorKind kind,
                           std::optional<std::chrono::milliseconds> retry_after, int attempt,
                           std::chrono::milliseconds time_left, double unit_random,
                           const RetryPolicy& policy = {});

RetryDecision decide_retry(const ProviderError& error, int attempt,
                           std::chrono::milliseconds time_left, double unit_random,
                           const RetryPolicy& policy = {});

// A transport failure (no HTTP response) seen as a provider error kind:
// kTimeout -> kTimeout, kProtocol -> kMalformed, kInvalidArgument -> kBadRequest,
// everything else (kUnavailable, ...) -> kTransient.
ProviderErrorKind kind_for_transport(Errc code);

RetryDecision decide_retry(Errc transport_error, int attempt, std::chrono::milliseconds time_left,
                           double unit_random, const RetryPolicy& policy = {});

}  // namespace imagegen::worker
