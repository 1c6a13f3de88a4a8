#include "api/admission.h"

#include <gtest/gtest.h>

#include "tests/support/repo_catalog.h"

namespace imagegen::api {
namespace {

const Catalog& catalog() { return testing::repo_catalog(); }

GenerateRequest gpt_image(int count, std::int64_t cost_per_image) {
  GenerateRequest req;
  req.prompt = "p";
  req.model = catalog().find("gpt-image-1");
  req.count = count;
  req.cost_per_image = cost_per_image;
  return req;
}

TEST(PlanAdmission, SynchronousJobsEndWithTheWaitAsyncOnesWithTheirDeadline) {
  ApiConfig config;
  config.wait_timeout_ms = 30000;
  config.job_deadline_ms = 600000;
  config.rate_limit_per_min = 7;
  Credential cred{Credential::Kind::kApiKey, "hash"};
  GenerateRequest req = gpt_image(2, 12);
  req.webhook_url = "https://example.com/h";
  AdmissionInput in{cred, req, config, 1000, "j1", "inst-0", "rid-1", "", "", false};
  auto sync = plan_admission(in);
  EXPECT_EQ(sync.job.deadline_ms, 31000);
  EXPECT_EQ(sync.cost, 24);
  EXPECT_EQ(sync.required_tier, "pro");
  EXPECT_EQ(sync.family, "openai");
  EXPECT_EQ(sync.rate_limit_per_min, 7);
  EXPECT_EQ(sync.job.request_id, "rid-1");
  EXPECT_EQ(sync.job.webhook_url, "https://example.com/h");
  EXPECT_EQ(sync.job.reply_channel, "inst-0");
  in.asynchronous = true;
  EXPECT_EQ(plan_admission(in).job.deadline_ms, 601000);
}

TEST(PlanAdmission, TheScriptCountsWorkersUnlessAFreshReadingVouches) {
  ApiConfig config;
  config.require_worker = true;
  Credential cred{Credential::Kind::kApiKey, "hash"};
  const GenerateRequest req = gpt_image(1, 1);
  AdmissionInput in{cred, req, config, 1000, "j1", "inst-0", "rid-1", "", "", false};
  EXPECT_TRUE(plan_admission(in).require_worker);
  in.known_served = true;
  EXPECT_FALSE(plan_admission(in).require_worker);
  config.require_worker = false;
  in.known_served = false;
  EXPECT_FALSE(plan_admission(in).require_worker);
}

TEST(GenerateHeaders, RefusesNonJsonAndBadIdempotencyKeys) {
  ApiRequest r;
  r.content_type = "text/plain";
  EXPECT_EQ(check_generate_headers(r)->status, 415);
  r.content_type = "application/json; charset=utf-8";
  EXPECT_FALSE(check_generate_headers(r).has_value());
  r.content_type = "application/vnd.api+json";
  EXPECT_FALSE(check_generate_headers(r).has_value());
  r.idempotency_key = std::string(256, 'k');
  EXPECT_EQ(check_generate_headers(r)->status, 400);
  r.idempotency_key = "a\"b";
  EXPECT_EQ(check_generate_headers(r)->status, 400);
}

}  // namespace
}  // namespace imagegen::api
