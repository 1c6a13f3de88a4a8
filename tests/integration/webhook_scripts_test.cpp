// WEBHOOK_CLAIM / WEBHOOK_RECORD / WEBHOOK_SECRET against a real redis-server: each attempt is
// claimed by exactly one worker, a lapsed claim comes back, a stale claim cannot move the
// schedule.
#include "common/webhook_scripts.h"

#include <gtest/gtest.h>

#include "admin/admin_context.h"
#include "common/redis_keys.h"
#include "tests/support/admin_redis_test.h"

namespace imagegen {
namespace {

class WebhookScripts : public testing::AdminRedisTest {
 protected:
  void SetUp() override {
    AdminRedisTest::SetUp();
    ctx_.command({"HSET", "imagegen:user:u1", "tier", "pro", "balance", "0"});
    ctx_.command({"HSET", "imagegen:job:j1", "user", "u1", "status", "succeeded", "hook",
                  "http://example.com/h", "hook_state", "pending", "hook_attempts", "0"});
    ctx_.command({"ZADD", "imagegen:webhooks:due", "1000", "j1"});
  }

  // Claimed job ids at `now`.
  std::vector<std::string> claim(std::int64_t now, const std::string& candidate = "whsec_AAAA") {
    auto r = ctx_.script(lua::kWebhookClaim,
                         {std::to_string(now), "60000", "10", candidate, candidate, candidate});
    std::vector<std::string> ids;
    for (const auto& item : r.elements()) {
      ids.push_back(item.elements()[0].as_string());
      last_attempt_ = item.elements()[1].as_int().value_or(-1);
      last_secret_ = item.elements()[2].as_string();
    }
    return ids;
  }
  std::string record(int attempt, const std::string& outcome, const std::string& next = "0") {
    return ctx_
        .script(lua::kWebhookRecord,
                {"j1", std::to_string(attempt), outcome, "500", next, "boom", "1"})
        .as_string();
  }
  std::string field(const std::string& f) {
    return ctx_.command({"HGET", "imagegen:job:j1", f}).as_string();
  }

  std::int64_t last_attempt_ = 0;
  std::string last_secret_;
};

TEST_F(WebhookScripts, AnAttemptIsClaimedOnceAndComesBackAfterTheLease) {
  EXPECT_TRUE(claim(999).empty());  // not due yet
  ASSERT_EQ(claim(1000), std::vector<std::string>{"j1"});
  EXPECT_EQ(last_attempt_, 1);
  EXPECT_TRUE(claim(1000).empty());                         // another worker, same moment: nothing
  EXPECT_TRUE(claim(60999).empty());                        // still leased
  ASSERT_EQ(claim(61000), std::vector<std::string>{"j1"});  // the claimer died: back again
  EXPECT_EQ(last_attempt_, 2);
  // The first claimer wakes up late: it may not reschedule the newer claim's attempt.
  EXPECT_EQ(record(1, "retry", "999999"), "stale");
  EXPECT_EQ(record(2, "retry", "70000"), "ok");
  EXPECT_EQ(ctx_.command({"ZSCORE", "imagegen:webhooks:due", "j1"}).as_string(), "70000");
  EXPECT_EQ(field("hook_next"), "70000");
  EXPECT_EQ(field("hook_last_status"), "500");
}

TEST_F(WebhookScripts, DeliveredAndFailedLeaveTheSchedule) {
  ASSERT_EQ(claim(1000).size(), 1u);
  EXPECT_EQ(record(1, "delivered"), "ok");
  EXPECT_EQ(field("hook_state"), "delivered");
  EXPECT_TRUE(ctx_.command({"ZSCORE", "imagegen:webhooks:due", "j1"}).is_nil());
  EXPECT_EQ(record(1, "failed"), "stale");  // over: nothing changes it any more
  EXPECT_TRUE(claim(99999999).empty());
}

TEST_F(WebhookScripts, TheUsersSecretIsMadeOnceAndSharedWithTheRoute) {
  ASSERT_EQ(claim(1000, "whsec_FIRST").size(), 1u);
  EXPECT_EQ(last_secret_, "whsec_FIRST");
  auto again = ctx_.script(lua::kWebhookSecret, {"u1", "whsec_SECOND"});
  EXPECT_EQ(again.as_string(), "whsec_FIRST");
  EXPECT_TRUE(ctx_.script(lua::kWebhookSecret, {"nobody", "whsec_X"}).is_nil());
  EXPECT_EQ(ctx_.command({"EXISTS", "imagegen:user:nobody"}).as_int(), 0);
}

TEST_F(WebhookScripts, AJobThatIsGoneIsDroppedFromTheSchedule) {
  ctx_.command({"DEL", "imagegen:job:j1"});
  EXPECT_TRUE(claim(1000).empty());
  EXPECT_EQ(ctx_.command({"ZCARD", "imagegen:webhooks:due"}).as_int(), 0);
}

}  // namespace
}  // namespace imagegen
