#include "worker/providers/byteplus.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://ark.ap-southeast.bytepluses.com", "ark-key"};

TEST(BytePlusRequest, Golden) {
  JobSpec job = testing::make_job("seedream-4-5", 1);
  job.prompt = "A fox";
  job.aspect_ratio = "16:9";
  job.resolution = "2K";
  job.seed = 5;  // not supported on 4.x: never sent
  const HttpRequest req =
      BytePlusFamily().build_request(testing::seedream_4_5(), job, 1, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://ark.ap-southeast.bytepluses.com/api/v3/images/generations");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"},
                                     {"Authorization", "Bearer ark-key"}}));
  EXPECT_EQ(req.body, R"({"model":"seedream-4-5-251128","prompt":"A fox","size":"2560x1440",)"
                      R"("sequential_image_generation":"disabled","response_format":"b64_json",)"
                      R"("watermark":false,"stream":false})");
}

TEST(BytePlusSize, Tables) {
  struct Row {
    const char* ratio;
    PixelSize k1, k2, k4;
  };
  const Row rows[] = {
      {"1:1", {1024, 1024}, {2048, 2048}, {4096, 4096}},
      {"4:3", {1152, 864}, {2304, 1728}, {4608, 3456}},
      {"3:4", {864, 1152}, {1728, 2304}, {3456, 4608}},
      {"16:9", {1312, 736}, {2560, 1440}, {5120, 2880}},
      {"9:16", {736, 1312}, {1440, 2560}, {2880, 5120}},
      {"3:2", {1248, 832}, {2496, 1664}, {4992, 3328}},
      {"2:3", {832, 1248}, {1664, 2496}, {3328, 4992}},
      {"21:9", {1568, 672}, {3024, 1296}, {6048, 2592}},
      {"4:5", {896, 1120}, {1856, 2304}, {3648, 4560}},
      {"5:4", {1120, 896}, {2304, 1856}, {4560, 3648}},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(byteplus_size(r.ratio, "1K", false), r.k1) << r.ratio;
    EXPECT_EQ(byteplus_size(r.ratio, "2K", false), r.k2) << r.ratio;
    EXPECT_EQ(byteplus_size(r.ratio, "4K", false), r.k4) << r.ratio;
    // seedream 4.5 has no 1K: its floor is 3,686,400 px.
    EXPECT_EQ(byteplus_size(r.ratio, "1K", true), r.k2) << r.ratio;
    EXPECT_GE(r.k1.width * r.k1.height, 921'600) << r.ratio;
    EXPECT_GE(r.k2.width * r.k2.height, 3'686'400) << r.ratio;
    EXPECT_LE(static_cast<long>(r.k4.width) * r.k4.height, 16'777'216L) << r.ratio;
  }
}

TEST(BytePlusRequest, SeedreamFourZeroAtOneK) {
  JobSpec job = testing::make_job("seedream-4-0", 1);
  job.aspect_ratio = "4:5";
  const HttpRequest req =
      BytePlusFamily().build_request(testing::seedream_4_0(), job, 1, kEndpoint);
  EXPECT_NE(req.body.find(R"("size":"896x1120")"), std::string::npos) << req.body;
  EXPECT_NE(req.body.find(R"("model":"seedream-4-0-250828")"), std::string::npos);
}

TEST(BytePlusResponse, Images) {
  const std::string body = R"({"model":"seedream-4-5-251128","created":1,"data":[{"b64_json":")" +
                           base64_encode("jpg") +
                           R"(","size":"2560x1440"}],"usage":{"generated_images":1}})";
  const auto got = expect_images(BytePlusFamily().parse_response(response(200, body)));
  ASSERT_EQ(got.images.size(), 1u);
  EXPECT_EQ(got.images[0].bytes, "jpg");
  const auto url = expect_images(BytePlusFamily().parse_response(
      response(200, R"({"data":[{"url":"https://ark-cdn/x.jpeg","size":"2048x2048"}]})")));
  EXPECT_EQ(url.urls, (std::vector<std::string>{"https://ark-cdn/x.jpeg"}));
}

TEST(BytePlusResponse, PerImageErrors) {
  const BytePlusFamily bp;
  const auto blocked = expect_error(bp.parse_response(response(
      200,
      R"({"data":[{"error":{"code":"OutputImageSensitiveContentDetected","message":"risky"}}],)"
      R"("usage":{"generated_images":0}})")));
  EXPECT_EQ(blocked.kind, ProviderErrorKind::kContentBlocked);
  EXPECT_NE(blocked.message.find("risky"), std::string::npos);
  EXPECT_EQ(expect_error(
                bp.parse_response(response(
                    200, R"({"data":[{"error":{"code":"InternalServiceError","message":"x"}}]})")))
                .kind,
            ProviderErrorKind::kMalformed);
  const auto mixed = expect_images(bp.parse_response(response(
      200,
      R"({"data":[{"error":{"code":"OutputImageSensitiveContentDetected","message":"x"}},{"b64_json":")" +
          base64_encode("ok") + R"("}]})")));
  EXPECT_EQ(mixed.images.size(), 1u);
}

TEST(BytePlusResponse, ErrorShapes) {
  const BytePlusFamily bp;
  for (const char* code :
       {"InputTextSensitiveContentDetected", "InputImageSensitiveContentDetected",
        "OutputImageSensitiveContentDetected"}) {
    EXPECT_EQ(expect_error(
                  bp.parse_response(response(400, std::string(R"({"error":{"code":")") + code +
                                                      R"(","message":"m","type":"BadRequest"}})")))
                  .kind,
              ProviderErrorKind::kContentBlocked)
        << code;
  }
  EXPECT_EQ(
      expect_error(
          bp.parse_response(response(
              400,
              R"({"error":{"code":"InvalidParameter","message":"size too small","param":"size"}})")))
          .kind,
      ProviderErrorKind::kBadRequest);
  EXPECT_EQ(expect_error(bp.parse_response(response(
                             429, R"({"error":{"code":"QuotaExceeded","message":"no quota"}})")))
                .kind,
            ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(
      expect_error(bp.parse_response(response(
                       403, R"({"error":{"code":"AccountOverdueError","message":"overdue"}})")))
          .kind,
      ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(
      expect_error(
          bp.parse_response(response(
              429,
              R"({"error":{"code":"RateLimitExceeded.EndpointRPMExceeded","message":"slow down"}})")))
          .kind,
      ProviderErrorKind::kRateLimited);
  EXPECT_EQ(
      expect_error(bp.parse_response(response(401, R"({"error":{"code":"AuthenticationError"}})")))
          .kind,
      ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(bp.parse_response(response(503, "<html>"))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(bp.parse_response(response(200, R"({"data":[{"b64)"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
