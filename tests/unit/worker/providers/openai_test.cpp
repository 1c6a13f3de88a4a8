#include "worker/providers/openai.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/unit/worker/providers/provider_test_util.h"
#include "tests/unit/worker/test_fixtures.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api.openai.com/v1", "sk-test"};

TEST(OpenAiRequest, Golden) {
  const JobSpec job = testing::make_job(
      "gpt-image-1", 3,
      {.prompt = "A sunset over mountains, oil painting style", .aspect_ratio = "16:9"});
  HttpRequest req = OpenAiFamily().build_request(testing::gpt_image_1(), job, 3, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.openai.com/v1/images/generations");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"},
                                     {"Authorization", "Bearer sk-test"}}));
  EXPECT_EQ(req.body,
            R"({"model":"gpt-image-1","prompt":"A sunset over mountains, oil painting style",)"
            R"("n":3,"size":"1536x1024","output_format":"png"})");
}

TEST(OpenAiRequest, IgnoresNegativePromptAndSeedTheModelCannotTake) {
  const JobSpec job = testing::make_job("gpt-image-1", 1,
                                        {.prompt = "line1\nline2 \"q\"",
                                         .negative_prompt = "dogs",
                                         .seed = 7,
                                         .aspect_ratio = "4:5"});
  HttpRequest req = OpenAiFamily().build_request(testing::gpt_image_1(), job, 1, kEndpoint);
  EXPECT_EQ(req.body,
            R"({"model":"gpt-image-1","prompt":"line1\nline2 \"q\"","n":1,"size":"1024x1536",)"
            R"("output_format":"png"})");
}

TEST(OpenAiRequest, SizeForEveryAspectRatio) {
  const std::pair<const char*, const char*> table[] = {
      {"1:1", "1024x1024"}, {"3:2", "1536x1024"},  {"16:9", "1536x1024"}, {"4:3", "1536x1024"},
      {"5:4", "1536x1024"}, {"21:9", "1536x1024"}, {"2:3", "1024x1536"},  {"9:16", "1024x1536"},
      {"3:4", "1024x1536"}, {"4:5", "1024x1536"}};
  for (const auto& [ratio, size] : table) EXPECT_EQ(openai_size_for(ratio), size) << ratio;
}

TEST(OpenAiFamily, MaxImagesPerCallIsCatalogCappedAtTen) {
  ModelInfo m = testing::gpt_image_1();
  EXPECT_EQ(OpenAiFamily().max_images_per_call(m), 10);
  m.max_images_per_call = 25;
  EXPECT_EQ(OpenAiFamily().max_images_per_call(m), 10);
  m.max_images_per_call = 2;
  EXPECT_EQ(OpenAiFamily().max_images_per_call(m), 2);
  EXPECT_EQ(OpenAiFamily().name(), "openai");
}

TEST(OpenAiResponse, DecodesEveryImage) {
  const auto& images = expect_images(
      OpenAiFamily().parse_response(response(200, testing::openai_images_body({"one", "two"}))));
  ASSERT_EQ(images.images.size(), 2u);
  EXPECT_EQ(images.images[0].bytes, "one");
  EXPECT_EQ(images.images[1].bytes, "two");
  EXPECT_EQ(images.images[0].mime, "image/png");
}

TEST(OpenAiResponse, FewerImagesThanAskedIsStillADelivery) {
  const auto& images = expect_images(
      OpenAiFamily().parse_response(response(200, testing::openai_images_body({"only"}))));
  EXPECT_EQ(images.images.size(), 1u);
}

TEST(OpenAiResponse, BadEntriesAmongGoodOnesAreDropped) {
  const std::string body =
      R"({"data":[{"b64_json":"aGVs bG8="},{"url":"https://x"},{"b64_json":")" +
      base64_encode("good") + R"("}]})";
  const auto& images = expect_images(OpenAiFamily().parse_response(response(200, body)));
  ASSERT_EQ(images.images.size(), 1u);
  EXPECT_EQ(images.images[0].bytes, "good");
}

TEST(OpenAiResponse, ModerationBlockedIsContentBlocked) {
  const auto& e = expect_error(OpenAiFamily().parse_response(response(
      400,
      R"({"error":{"message":"Your request was rejected by the safety system.","type":"image_generation_user_error","param":null,"code":"moderation_blocked"}})")));
  EXPECT_EQ(e.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_NE(e.message.find("safety system"), std::string::npos);
}

TEST(OpenAiResponse, InsufficientQuotaIsQuotaExhausted) {
  const auto& e = expect_error(OpenAiFamily().parse_response(response(
      429,
      R"({"error":{"message":"You exceeded your current quota.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}})",
      {{"retry-after", "20"}})));
  EXPECT_EQ(e.kind, ProviderErrorKind::kQuotaExhausted);
}

TEST(OpenAiResponse, RateLimitedCarriesRetryAfter) {
  const std::string body =
      R"({"error":{"message":"Rate limit reached for images per minute.","type":"requests","param":null,"code":"rate_limit_exceeded"}})";
  const auto& e = expect_error(OpenAiFamily().parse_response(
      response(429, body, {{"retry-after", "3"}, {"x-ratelimit-remaining-requests", "0"}})));
  EXPECT_EQ(e.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(e.retry_after, std::chrono::milliseconds(3000));
  const auto& no_header = expect_error(OpenAiFamily().parse_response(response(429, body)));
  EXPECT_EQ(no_header.kind, ProviderErrorKind::kRateLimited);
  EXPECT_FALSE(no_header.retry_after);
}

TEST(OpenAiResponse, StatusClasses) {
  const std::string envelope = R"({"error":{"message":"m","type":"t","param":null,"code":null}})";
  EXPECT_EQ(expect_error(OpenAiFamily().parse_response(response(401, envelope))).kind,
            ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(OpenAiFamily().parse_response(response(403, envelope))).kind,
            ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(OpenAiFamily().parse_response(response(500, envelope))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(
      expect_error(OpenAiFamily().parse_response(response(503, "upstream connect error"))).kind,
      ProviderErrorKind::kTransient);
  const auto& bad = expect_error(OpenAiFamily().parse_response(response(
      400,
      R"({"error":{"message":"Invalid size","type":"invalid_request_error","param":"size","code":"invalid_value"}})")));
  EXPECT_EQ(bad.kind, ProviderErrorKind::kBadRequest);
}

TEST(OpenAiResponse, MalformedBodiesAreMalformed) {
  const std::string full = testing::openai_images_body({std::string(2000, 'p')});
  for (const std::string& body :
       {std::string("oops"), full.substr(0, full.size() / 2), full.substr(0, full.size() - 2),
        std::string(R"({"data":[]})"), std::string(R"({"created":1})"),
        std::string(R"({"data":[{"b64_json":"!!!!"}]})")}) {
    EXPECT_EQ(expect_error(OpenAiFamily().parse_response(response(200, body))).kind,
              ProviderErrorKind::kMalformed)
        << body.substr(0, 60);
  }
}

}  // namespace
}  // namespace imagegen::worker
