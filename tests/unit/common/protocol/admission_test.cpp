#include "common/protocol/admission.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/job_codec.h"

namespace imagegen::protocol {
namespace {

AdmitArgs sample() {
  AdmitArgs a;
  a.credential = AdmitArgs::Credential::kApiKeyHash;
  a.ident = "abc";
  a.required_tier = "pro";
  a.cost = 36;
  a.now_ms = 1700000000000;
  a.rate_limit_per_min = 10;
  a.max_queue_depth = 100;
  a.job_ttl_s = 600;
  a.idempotency_key = "k1";
  a.body_sha256 = "h";
  a.family = "openai";
  a.job.job_id = "j1";
  a.job.model = "gpt-image-1";
  a.job.count = 3;
  a.job.cost_per_image = 12;
  a.job.deadline_ms = 1700000600000;
  return a;
}

TEST(AdmitArgv, PutsEveryArgumentWhereTheScriptReadsIt) {
  auto v = admit_argv(sample());
  ASSERT_GE(v.size(), 16u);
  EXPECT_EQ(v[0], "key");
  EXPECT_EQ(v[1], "abc");
  EXPECT_EQ(v[2], "pro");
  EXPECT_EQ(v[3], "36");
  EXPECT_EQ(v[4], "1700000000000");
  EXPECT_EQ(v[5], "10");
  EXPECT_EQ(v[6], "100");
  EXPECT_EQ(v[7], "1200");  // the record's expiry: 600 s to the deadline, then the 600 s TTL
  EXPECT_EQ(v[8], "k1");
  EXPECT_EQ(v[9], "h");
  EXPECT_EQ(v[10], "gpt-image-1");
  EXPECT_EQ(v[11], "openai");
  EXPECT_EQ(v[12], "1");
  EXPECT_EQ(v[13], "1700000600000");
  // The record's own fields follow (SETTLE reads them one by one), then the spec as one value
  // that decodes back to the job.
  ASSERT_EQ(v.size(), 19u);
  EXPECT_EQ(v[14], "j1");
  EXPECT_EQ(v[15], "12");
  EXPECT_EQ(v[16], "");  // the sample has no reply channel
  EXPECT_EQ(v[17], "");  // nor a webhook
  EXPECT_EQ(v[18], encode_job_spec(sample().job));
}

TEST(AdmitArgv, TheReplyChannelAndTheWebhookAreFieldsOfTheirOwn) {
  auto a = sample();
  a.job.reply_channel = "imagegen:done:api-1";
  a.job.webhook_url = "https://example.com/hook";
  auto v = admit_argv(a);
  ASSERT_EQ(v.size(), 19u);
  EXPECT_EQ(v[16], "imagegen:done:api-1");
  EXPECT_EQ(v[17], "https://example.com/hook");
}

// Settled by its deadline at the latest, then readable for the TTL: a part second rounds up,
// and a deadline already passed adds nothing.
TEST(AdmitArgv, TheRecordExpiresTheTtlAfterItsDeadline) {
  auto a = sample();
  a.job_ttl_s = 600;
  a.now_ms = 1000;
  a.job.deadline_ms = 5000;
  EXPECT_EQ(record_expiry_s(a), 604);
  a.job.deadline_ms = 5001;
  EXPECT_EQ(record_expiry_s(a), 605);
  a.job.deadline_ms = 500;
  EXPECT_EQ(record_expiry_s(a), 600);
}

TEST(AdmitArgv, NoIdempotencyKeyMeansNoBodyHash) {
  auto a = sample();
  a.idempotency_key.clear();
  a.require_worker = false;
  a.credential = AdmitArgs::Credential::kUserId;
  auto v = admit_argv(a);
  EXPECT_EQ(v[0], "user");
  EXPECT_EQ(v[9], "");
  EXPECT_EQ(v[12], "0");
}

TEST(AdmitReply, DecodesEveryVerdict) {
  using V = std::vector<std::string>;
  auto ok = decode_admit_reply(V{"ok", "u1", "64"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->verdict, AdmitVerdict::kAdmitted);
  EXPECT_EQ(ok->user_id, "u1");
  EXPECT_EQ(ok->balance, 64);
  EXPECT_EQ(decode_admit_reply(V{"unauthorized"})->verdict, AdmitVerdict::kUnauthorized);
  EXPECT_EQ(decode_admit_reply(V{"tier", "u1"})->verdict, AdmitVerdict::kTierTooLow);
  auto un = decode_admit_reply(V{"unavailable", "u1", "disabled"});
  EXPECT_EQ(un->verdict, AdmitVerdict::kModelUnavailable);
  EXPECT_EQ(un->unavailable_reason, "disabled");
  auto rate = decode_admit_reply(V{"rate", "u1", "17"});
  EXPECT_EQ(rate->verdict, AdmitVerdict::kRateLimited);
  EXPECT_EQ(rate->retry_after_s, 17);
  EXPECT_EQ(decode_admit_reply(V{"overloaded"})->verdict, AdmitVerdict::kOverloaded);
  auto poor = decode_admit_reply(V{"insufficient", "u1", "3"});
  EXPECT_EQ(poor->verdict, AdmitVerdict::kInsufficientCredits);
  EXPECT_EQ(poor->balance, 3);
  auto idem = decode_admit_reply(V{"idem", "u1", "j0"});
  EXPECT_EQ(idem->verdict, AdmitVerdict::kIdempotentReplay);
  EXPECT_EQ(idem->replay_job_id, "j0");
  EXPECT_EQ(decode_admit_reply(V{"idem_mismatch", "u1"})->verdict,
            AdmitVerdict::kIdempotencyMismatch);
}

TEST(AdmitReply, RefusesWhatTheScriptNeverSends) {
  using V = std::vector<std::string>;
  EXPECT_FALSE(decode_admit_reply(V{}).ok());
  EXPECT_FALSE(decode_admit_reply(V{"maybe"}).ok());
  EXPECT_FALSE(decode_admit_reply(V{"ok", "u1"}).ok());
  EXPECT_FALSE(decode_admit_reply(V{"ok", "u1", "lots"}).ok());
  EXPECT_FALSE(decode_admit_reply(V{"rate", "u1", "-1"}).ok());
  EXPECT_FALSE(decode_admit_reply(V{"idem", "u1", ""}).ok());
}

}  // namespace
}  // namespace imagegen::protocol
