#include "api/responses.h"

#include <gtest/gtest.h>

#include "api/api_service.h"

namespace imagegen::api {
namespace {

TEST(Responses, SpecBodiesToTheLetter) {
  EXPECT_EQ(unauthorized().status, 401);
  EXPECT_EQ(unauthorized().body, R"({"error":"Unauthorized: Invalid or expired token"})");
  EXPECT_EQ(insufficient_credits(50, 10).status, 402);
  EXPECT_EQ(insufficient_credits(50, 10).body,
            R"({"error":"Insufficient credits. Required: 50, Remaining: 10"})");
  EXPECT_EQ(requires_tier("flux-2-pro", "Pro").status, 403);
  EXPECT_EQ(
      requires_tier("flux-2-pro", "Pro").body,
      R"({"error":"This model requires a Pro subscription","code":"MODEL_REQUIRES_SUBSCRIPTION",)"
      R"("model":"flux-2-pro","requiredTier":"Pro"})");
  EXPECT_EQ(generation_failed().status, 500);
  EXPECT_EQ(generation_failed().body, R"({"error":"Failed to generate image"})");
  EXPECT_EQ(unknown_model("invalid-model").body,
            R"({"error":"Unknown model","model":"invalid-model"})");
}

TEST(Responses, SuccessHasTheSeedShapeWithOneEntryPerImage) {
  SuccessBody b{"j1",
                "nano-banana",
                "gemini",
                "A \"sunset\"",
                {"u/generated/generated_j1_0.png", "u/generated/generated_j1_1.png"},
                10,
                90,
                0};
  auto r = success(b);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(
      r.body.find(
          R"({"filePath":"u/generated/generated_j1_0.png","prompt":"A \"sunset\"","provider":"gemini","results":[)"),
      0u)
      << r.body;
  EXPECT_NE(
      r.body.find(
          R"({"filePath":"u/generated/generated_j1_1.png","prompt":"A \"sunset\"","provider":"gemini","url":"/api/v1/files/u/generated/generated_j1_1.png"})"),
      std::string::npos);
}

TEST(Responses, RetryAfterOnThrottling) {
  auto r = rate_limited(17);
  EXPECT_EQ(r.status, 429);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "17"}));
  EXPECT_EQ(unavailable("x", 0).headers[0].second, "1");
}

TEST(Responses, TimeoutNamesTheJob) {
  auto r = timed_out("abc");
  EXPECT_EQ(r.status, 504);
  EXPECT_NE(r.body.find(R"("jobId":"abc")"), std::string::npos);
}

TEST(Routes, NamesAreAFixedSet) {
  EXPECT_EQ(route_name("POST", "/api/v1/generate-image"), "generate");
  EXPECT_EQ(route_name("GET", "/api/v1/jobs/abc"), "jobs");
  EXPECT_EQ(route_name("GET", "/whatever/../x"), "other");
}

}  // namespace
}  // namespace imagegen::api
