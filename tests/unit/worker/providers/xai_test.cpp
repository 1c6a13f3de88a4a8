#include "worker/providers/xai.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api.x.ai", "xai-key"};

TEST(XaiRequest, Golden) {
  const JobSpec job = testing::make_job("grok-imagine-image", 2,
                                        {.prompt = "A fox",
                                         .negative_prompt = "dogs",
                                         .seed = 3,
                                         .aspect_ratio = "21:9",
                                         .resolution = "2K"});
  const HttpRequest req = XaiFamily().build_request(testing::grok_imagine(), job, 2, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.x.ai/v1/images/generations");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"},
                                     {"Authorization", "Bearer xai-key"}}));
  EXPECT_EQ(req.body,
            R"({"model":"grok-imagine-image","prompt":"A fox","n":2,"response_format":"b64_json",)"
            R"("aspect_ratio":"20:9","resolution":"2k"})");
  EXPECT_EQ(req.body.find("size"), std::string::npos);
}

TEST(XaiRequest, AspectRatioTable) {
  const std::pair<const char*, const char*> table[] = {
      {"1:1", "1:1"}, {"16:9", "16:9"}, {"9:16", "9:16"}, {"4:3", "4:3"}, {"3:4", "3:4"},
      {"3:2", "3:2"}, {"2:3", "2:3"},   {"21:9", "20:9"}, {"4:5", "3:4"}, {"5:4", "4:3"}};
  for (const auto& [ours, theirs] : table) EXPECT_EQ(xai_aspect_ratio(ours), theirs) << ours;
  JobSpec job = testing::make_job("grok-imagine-image", 1);
  const HttpRequest req = XaiFamily().build_request(testing::grok_imagine(), job, 1, kEndpoint);
  EXPECT_NE(req.body.find(R"("resolution":"1k")"), std::string::npos);
  EXPECT_EQ(XaiFamily().max_images_per_call(testing::grok_imagine()), 10);
}

TEST(XaiResponse, Base64AndUrlResults) {
  const std::string body =
      R"({"created":1,"data":[{"b64_json":")" + base64_encode("one") +
      R"(","mime_type":"image/jpeg","revised_prompt":"x"},)"
      R"({"url":"https://imgen.x.ai/xai-imgen/a.jpg","mime_type":"image/jpeg"}]})";
  const auto got = expect_images(XaiFamily().parse_response(response(200, body)));
  ASSERT_EQ(got.images.size(), 1u);
  EXPECT_EQ(got.images[0].bytes, "one");
  EXPECT_EQ(got.images[0].mime, "image/jpeg");
  EXPECT_EQ(got.urls, (std::vector<std::string>{"https://imgen.x.ai/xai-imgen/a.jpg"}));
}

TEST(XaiResponse, ErrorShapes) {
  const XaiFamily xai;
  EXPECT_EQ(
      expect_error(
          xai.parse_response(response(
              400,
              R"({"code":"Client specified an invalid argument","error":"Generated image rejected by content moderation."})")))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(
      expect_error(xai.parse_response(response(
                       400, R"({"error":{"message":"blocked","code":"moderation_blocked"}})")))
          .kind,
      ProviderErrorKind::kContentBlocked);
  const auto bad = expect_error(xai.parse_response(response(
      400,
      R"({"code":"Client specified an invalid argument","error":"Argument not supported: size"})")));
  EXPECT_EQ(bad.kind, ProviderErrorKind::kBadRequest);
  EXPECT_NE(bad.message.find("Argument not supported: size"), std::string::npos);
  EXPECT_EQ(
      expect_error(xai.parse_response(response(
                       403, R"({"code":"forbidden","error":"Your team has run out of credits"})")))
          .kind,
      ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(
      expect_error(xai.parse_response(response(403, R"({"error":"no access to model"})"))).kind,
      ProviderErrorKind::kAuth);
  const auto limited = expect_error(
      xai.parse_response(response(429, R"({"error":"rate limited"})", {{"retry-after", "3"}})));
  EXPECT_EQ(limited.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(3000));
  EXPECT_EQ(expect_error(xai.parse_response(response(500, ""))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(xai.parse_response(response(200, R"({"data":[{"b64_json":"@@"}]})"))).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(xai.parse_response(response(200, R"({"data":[)"))).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(xai.parse_response(response(200, R"({"data":[]})"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
