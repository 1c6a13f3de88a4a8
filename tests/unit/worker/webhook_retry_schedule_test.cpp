#include <gtest/gtest.h>

#include "worker/webhooks/retry_schedule.h"

namespace imagegen::worker::webhooks {
namespace {

using std::chrono::milliseconds;

TEST(WebhookRetrySchedule, TwoHundredsDeliverFourTenStopsOthersRetry) {
  RetryPolicy p;
  EXPECT_EQ(classify(200, false, 1, p), Verdict::kDelivered);
  EXPECT_EQ(classify(204, false, 10, p), Verdict::kDelivered);
  EXPECT_EQ(classify(410, false, 1, p), Verdict::kFailed);
  EXPECT_EQ(classify(500, false, 1, p), Verdict::kRetry);
  EXPECT_EQ(classify(301, false, 1, p), Verdict::kRetry);           // redirects are not followed
  EXPECT_EQ(classify(std::nullopt, false, 3, p), Verdict::kRetry);  // timeout, refused connect
  EXPECT_EQ(classify(200, true, 1, p), Verdict::kFailed);           // forbidden address: never sent
}

TEST(WebhookRetrySchedule, TheTenthFailedAttemptIsTheLast) {
  RetryPolicy p;
  EXPECT_EQ(classify(500, false, 9, p), Verdict::kRetry);
  EXPECT_EQ(classify(500, false, 10, p), Verdict::kFailed);
  EXPECT_EQ(classify(std::nullopt, false, 10, p), Verdict::kFailed);
}

TEST(WebhookRetrySchedule, GrowsByAboutThreeWithJitterAndSpansAboutADay) {
  RetryPolicy p;
  EXPECT_EQ(retry_delay(1, p, 0.5), milliseconds(5000));
  EXPECT_EQ(retry_delay(1, p, 0.0), milliseconds(3750));
  EXPECT_EQ(retry_delay(2, p, 0.5), milliseconds(16000));
  for (int k = 1; k < 9; ++k) {
    EXPECT_LT(retry_delay(k, p, 0.99), retry_delay(k + 1, p, 0.0)) << k;
  }
  milliseconds total{0};
  for (int k = 1; k < p.max_attempts; ++k) total += retry_delay(k, p, 0.5);
  EXPECT_GT(total, std::chrono::hours(18));
  EXPECT_LT(total, std::chrono::hours(30));
}

TEST(WebhookRetrySchedule, BaseIsConfigurable) {
  RetryPolicy p;
  p.base = milliseconds(100);
  EXPECT_EQ(retry_delay(1, p, 0.5), milliseconds(100));
  EXPECT_EQ(retry_delay(3, p, 0.5), milliseconds(1024));
}

}  // namespace
}  // namespace imagegen::worker::webhooks
