#include "worker/webhooks/retry_schedule.h"

#include <algorithm>
#include <cmath>

namespace imagegen::worker::webhooks {

Verdict classify(std::optional<int> http_status, bool refused, int attempt,
                 const RetryPolicy& policy) {
  if (refused) return Verdict::kFailed;
  if (http_status && *http_status >= 200 && *http_status < 300) return Verdict::kDelivered;
  if (http_status && *http_status == 410) return Verdict::kFailed;
  return attempt >= policy.max_attempts ? Verdict::kFailed : Verdict::kRetry;
}

std::chrono::milliseconds retry_delay(int attempt, const RetryPolicy& policy, double random01) {
  const int k = std::clamp(attempt, 1, 30);
  const double nominal = static_cast<double>(policy.base.count()) * std::pow(policy.factor, k - 1);
  const double r = std::clamp(random01, 0.0, 1.0);
  const double jittered = nominal * (0.75 + 0.5 * r);
  // A week at most, whatever the base: the job hash (and so the delivery) does not live longer.
  const double cap = 7.0 * 24 * 3600 * 1000;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(jittered, cap)));
}

}  // namespace imagegen::worker::webhooks
