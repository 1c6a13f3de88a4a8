#include "worker/providers/sourceful.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://openrouter.ai/api/v1", "or-key"};

TEST(SourcefulRequest, Golden) {
  JobSpec job = testing::make_job("riverflow-2-0-pro", 1);
  job.prompt = "A \"fox\"";
  job.aspect_ratio = "4:5";
  job.resolution = "4K";
  job.seed = 1;
  job.negative_prompt = "dogs";
  const HttpRequest req =
      SourcefulFamily().build_request(testing::riverflow_pro(), job, 1, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://openrouter.ai/api/v1/chat/completions");
  EXPECT_EQ(req.headers,
            (HeaderList{{"Content-Type", "application/json"}, {"Authorization", "Bearer or-key"}}));
  EXPECT_EQ(
      req.body,
      R"({"model":"sourceful/riverflow-v2-pro","messages":[{"role":"user","content":"A \"fox\""}],)"
      R"("modalities":["image"],"image_config":{"aspect_ratio":"4:5","image_size":"4K"}})");
}

TEST(SourcefulResponse, DataUrlImage) {
  const std::string body =
      R"({"id":"gen-1","choices":[{"message":{"role":"assistant","content":"",)"
      R"("images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,)" +
      base64_encode("png-bytes") + R"("}}]}}],"usage":{"cost":0.15}})";
  const auto got = expect_images(SourcefulFamily().parse_response(response(200, body)));
  ASSERT_EQ(got.images.size(), 1u);
  EXPECT_EQ(got.images[0].bytes, "png-bytes");
  EXPECT_EQ(got.images[0].mime, "image/png");
}

TEST(SourcefulResponse, ErrorShapes) {
  const SourcefulFamily s;
  EXPECT_EQ(expect_error(s.parse_response(response(
                             402, R"({"error":{"code":402,"message":"Insufficient credits"}})")))
                .kind,
            ProviderErrorKind::kQuotaExhausted);
  const auto blocked = expect_error(s.parse_response(response(
      403,
      R"({"error":{"code":403,"message":"Input was flagged","metadata":{"reasons":["violence"],)"
      R"("flagged_input":"...","provider_name":"Sourceful","model_slug":"sourceful/riverflow-v2-pro"}}})")));
  EXPECT_EQ(blocked.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(expect_error(s.parse_response(
                             response(403, R"({"error":{"code":403,"message":"Key disabled"}})")))
                .kind,
            ProviderErrorKind::kAuth);
  const auto limited = expect_error(s.parse_response(response(
      429, R"({"error":{"code":429,"message":"Rate limit exceeded"}})", {{"retry-after", "4"}})));
  EXPECT_EQ(limited.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(4000));
  EXPECT_EQ(
      expect_error(
          s.parse_response(response(
              502,
              R"({"error":{"code":502,"message":"Provider returned error","metadata":{"raw":"boom"}}})")))
          .kind,
      ProviderErrorKind::kTransient);
  // An upstream failure reported inside a 200.
  EXPECT_EQ(expect_error(s.parse_response(response(
                             200, R"({"error":{"code":503,"message":"no provider available"}})")))
                .kind,
            ProviderErrorKind::kTransient);
  const auto text_only = expect_error(s.parse_response(response(
      200, R"({"choices":[{"message":{"role":"assistant","content":"I cannot draw that"}}]})")));
  EXPECT_EQ(text_only.kind, ProviderErrorKind::kMalformed);
  EXPECT_NE(text_only.message.find("I cannot draw that"), std::string::npos);
  EXPECT_EQ(
      expect_error(
          s.parse_response(response(
              200,
              R"({"choices":[{"message":{"images":[{"image_url":{"url":"data:image/png;base64,@@"}}]}}]})")))
          .kind,
      ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(s.parse_response(response(200, R"({"choices":[{"mess)"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
