#include "worker/retry_policy.h"

#include <gtest/gtest.h>

namespace imagegen::worker {
namespace {

using K = ProviderErrorKind;
using std::chrono::milliseconds;

struct Row {
  K kind;
  std::optional<milliseconds> retry_after;
  int attempt;
  milliseconds time_left;
  double random;
  bool retry;
  milliseconds delay;
};

TEST(RetryPolicy, DecisionTable) {
  const milliseconds kLots{60'000};
  const Row rows[] = {
      // never retried, whatever else holds
      {K::kContentBlocked, std::nullopt, 1, kLots, 0.5, false, milliseconds(0)},
      {K::kQuotaExhausted, milliseconds(10), 1, kLots, 0.5, false, milliseconds(0)},
      {K::kBadRequest, std::nullopt, 1, kLots, 0.5, false, milliseconds(0)},
      {K::kAuth, std::nullopt, 1, kLots, 0.5, false, milliseconds(0)},
      // full-jitter exponential backoff: uniform in [0, 200 * 2^(attempt-1))
      {K::kTransient, std::nullopt, 1, kLots, 0.5, true, milliseconds(100)},
      {K::kTransient, std::nullopt, 2, kLots, 0.5, true, milliseconds(200)},
      {K::kTransient, std::nullopt, 3, kLots, 0.99, true, milliseconds(792)},
      {K::kTimeout, std::nullopt, 1, kLots, 0.0, true, milliseconds(0)},
      {K::kMalformed, std::nullopt, 2, kLots, 0.25, true, milliseconds(100)},
      {K::kRateLimited, std::nullopt, 3, kLots, 1.0, true, milliseconds(799)},
      // Retry-After wins over backoff, even past the backoff cap
      {K::kRateLimited, milliseconds(3000), 1, kLots, 0.5, true, milliseconds(3000)},
      {K::kTransient, milliseconds(9000), 2, kLots, 0.5, true, milliseconds(9000)},
      // attempt limit (4 tries in all)
      {K::kTransient, std::nullopt, 4, kLots, 0.5, false, milliseconds(0)},
      {K::kRateLimited, milliseconds(1), 4, kLots, 0.5, false, milliseconds(0)},
      // never past the deadline (wait + 100 ms minimum try)
      {K::kRateLimited, milliseconds(3000), 1, milliseconds(2000), 0.5, false, milliseconds(0)},
      {K::kTransient, std::nullopt, 1, milliseconds(150), 0.5, false, milliseconds(0)},
      {K::kTransient, std::nullopt, 1, milliseconds(200), 0.5, true, milliseconds(100)},
      {K::kTimeout, std::nullopt, 1, milliseconds(0), 0.0, false, milliseconds(0)},
      {K::kTimeout, std::nullopt, 1, milliseconds(-5), 0.0, false, milliseconds(0)},
  };
  int i = 0;
  for (const Row& r : rows) {
    const RetryDecision d = decide_retry(r.kind, r.retry_after, r.attempt, r.time_left, r.random);
    EXPECT_EQ(d.retry, r.retry) << "row " << i << " (" << d.reason << ")";
    if (r.retry) {
      EXPECT_EQ(d.delay, r.delay) << "row " << i;
    }
    ++i;
  }
}

TEST(RetryPolicy, BackoffIsCappedAtFiveSeconds) {
  RetryPolicy many;
  many.max_attempts = 100;
  for (int attempt : {6, 7, 10, 40, 99}) {
    const RetryDecision d =
        decide_retry(K::kTransient, std::nullopt, attempt, milliseconds(60'000), 0.999, many);
    ASSERT_TRUE(d.retry);
    EXPECT_LT(d.delay, milliseconds(5000)) << attempt;
    EXPECT_GE(d.delay, milliseconds(4990)) << attempt;
  }
}

TEST(RetryPolicy, TransportErrorsMapToKinds) {
  EXPECT_EQ(kind_for_transport(Errc::kTimeout), K::kTimeout);
  EXPECT_EQ(kind_for_transport(Errc::kUnavailable), K::kTransient);
  EXPECT_EQ(kind_for_transport(Errc::kProtocol), K::kMalformed);
  EXPECT_EQ(kind_for_transport(Errc::kInvalidArgument), K::kBadRequest);
  EXPECT_TRUE(decide_retry(Errc::kUnavailable, 1, milliseconds(10'000), 0.1).retry);
  EXPECT_FALSE(decide_retry(Errc::kInvalidArgument, 1, milliseconds(10'000), 0.1).retry);
}

TEST(RetryPolicy, ProviderErrorOverloadUsesItsRetryAfter) {
  ProviderError e{K::kRateLimited, 429, "slow down", milliseconds(1234)};
  const RetryDecision d = decide_retry(e, 1, milliseconds(10'000), 0.9);
  EXPECT_TRUE(d.retry);
  EXPECT_EQ(d.delay, milliseconds(1234));
}

}  // namespace
}  // namespace imagegen::worker
