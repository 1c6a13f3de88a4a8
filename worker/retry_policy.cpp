#include "worker/retry_policy.h"

#include <algorithm>

#include "common/backoff.h"

namespace imagegen::worker {
namespace {

bool never_retried(ProviderErrorKind kind) {
  switch (kind) {
    case ProviderErrorKind::kContentBlocked:
    case ProviderErrorKind::kQuotaExhausted:
    case ProviderErrorKind::kBadRequest:
    case ProviderErrorKind::kAuth:
      return true;
    default:
      return false;
  }
}

}  // namespace

RetryDecision decide_retry(ProviderErrorKind kind,
                           std::optional<std::chrono::milliseconds> retry_after, int attempt,
                           std::chrono::milliseconds time_left, double unit_random,
                           const RetryPolicy& policy) {
  if (never_retried(kind)) return {false, {}, "not_retryable"};
  if (attempt >= policy.max_attempts) return {false, {}, "attempts_exhausted"};
  const auto delay = retry_after ? std::max(*retry_after, std::chrono::milliseconds(0))
                                 : backoff_delay(attempt, policy.base_delay, policy.max_delay,
                                                 unit_random, Jitter::kFull);
  if (delay + policy.min_attempt_time > time_left) return {false, {}, "deadline"};
  return {true, delay, "retry"};
}

RetryDecision decide_retry(const ProviderError& error, int attempt,
                           std::chrono::milliseconds time_left, double unit_random,
                           const RetryPolicy& policy) {
  return decide_retry(error.kind, error.retry_after, attempt, time_left, unit_random, policy);
}

ProviderErrorKind kind_for_transport(Errc code) {
  switch (code) {
    case Errc::kTimeout:
      return ProviderErrorKind::kTimeout;
    case Errc::kProtocol:
      return ProviderErrorKind::kMalformed;
    case Errc::kInvalidArgument:
      return ProviderErrorKind::kBadRequest;
    default:
      return ProviderErrorKind::kTransient;
  }
}

RetryDecision decide_retry(Errc transport_error, int attempt, std::chrono::milliseconds time_left,
                           double unit_random, const RetryPolicy& policy) {
  return decide_retry(kind_for_transport(transport_error), std::nullopt, attempt, time_left,
                      unit_random, policy);
}

}  // namespace imagegen::worker
