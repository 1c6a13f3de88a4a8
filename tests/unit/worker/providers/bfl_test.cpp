#include "worker/providers/bfl.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api.bfl.ai", "bfl-key"};

TEST(BflSize, TableForEveryRatioAndResolution) {
  struct Row {
    const char* ratio;
    PixelSize k1, k2;
  };
  const Row rows[] = {
      {"1:1", {1024, 1024}, {2048, 2048}}, {"16:9", {1344, 768}, {2720, 1536}},
      {"9:16", {768, 1344}, {1536, 2720}}, {"4:3", {1152, 864}, {2336, 1760}},
      {"3:4", {864, 1152}, {1760, 2336}},  {"3:2", {1248, 832}, {2496, 1664}},
      {"2:3", {832, 1248}, {1664, 2496}},  {"4:5", {896, 1120}, {1824, 2272}},
      {"5:4", {1120, 896}, {2272, 1824}},  {"21:9", {1536, 640}, {3104, 1312}},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(bfl_dimensions(row.ratio, "1K"), row.k1) << row.ratio;
    EXPECT_EQ(bfl_dimensions(row.ratio, "2K"), row.k2) << row.ratio;
    for (const PixelSize& s : {row.k1, row.k2}) {
      EXPECT_EQ(s.width % 16, 0) << row.ratio;
      EXPECT_EQ(s.height % 16, 0) << row.ratio;
    }
    EXPECT_LE(row.k1.width * row.k1.height, 1024 * 1024) << row.ratio;
    EXPECT_LE(row.k2.width * row.k2.height, 2048 * 2048) << row.ratio;
  }
}

TEST(BflRequest, Golden) {
  JobSpec job = testing::make_job("flux-2-pro", 1);
  job.prompt = "A \"fox\" in snow";
  job.aspect_ratio = "16:9";
  job.seed = 42;
  job.negative_prompt = "dogs";  // BFL has no such field
  const HttpRequest req = bfl_family().build_request(testing::flux_2_pro(), job, 1, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.bfl.ai/v1/flux-2-pro");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"}, {"x-key", "bfl-key"}}));
  EXPECT_EQ(req.body, R"({"prompt":"A \"fox\" in snow","width":1344,"height":768,"seed":42,)"
                      R"("output_format":"png"})");
}

TEST(BflRequest, NoSeedWhenNotGiven) {
  JobSpec job = testing::make_job("flux-2-pro", 1);
  job.resolution = "2K";
  const HttpRequest req = bfl_family().build_request(testing::flux_2_pro(), job, 1, kEndpoint);
  EXPECT_EQ(
      req.body,
      R"({"prompt":"A sunset over mountains","width":2048,"height":2048,"output_format":"png"})");
}

TEST(BflSubmit, PollsTheReturnedUrlAtTheCatalogInterval) {
  const auto f = expect_follow_up(bfl_family().parse_response(response(
      200, R"({"id":"t1","polling_url":"https://api.eu.bfl.ai/v1/get_result?id=t1","cost":3})")));
  EXPECT_EQ(f.url, "https://api.eu.bfl.ai/v1/get_result?id=t1");
  EXPECT_FALSE(f.delay.has_value());
}

TEST(BflSubmit, ErrorShapes) {
  const AsyncTaskFamily bfl = bfl_family();
  EXPECT_EQ(
      expect_error(bfl.parse_response(response(402, R"({"detail":"Insufficient credits"})"))).kind,
      ProviderErrorKind::kQuotaExhausted);
  const auto busy = expect_error(bfl.parse_response(response(
      429,
      R"({"error":"rate_limit_exceeded","message":"too many active tasks","retry_after":5})")));
  EXPECT_EQ(busy.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(5000));
  EXPECT_NE(busy.message.find("too many active tasks"), std::string::npos);
  const auto header = expect_error(bfl.parse_response(response(429, "{}", {{"retry-after", "2"}})));
  EXPECT_EQ(header.retry_after, std::chrono::milliseconds(2000));
  EXPECT_EQ(expect_error(bfl.parse_response(response(401, R"({"detail":"bad key"})"))).kind,
            ProviderErrorKind::kAuth);
  const auto invalid = expect_error(bfl.parse_response(
      response(422, R"({"detail":[{"loc":["body","width"],"msg":"must be a multiple of 16"}]})")));
  EXPECT_EQ(invalid.kind, ProviderErrorKind::kBadRequest);
  EXPECT_NE(invalid.message.find("multiple of 16"), std::string::npos);
  EXPECT_EQ(expect_error(bfl.parse_response(response(500, "oops"))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(bfl.parse_response(response(200, R"({"id":"t1"})"))).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(bfl.parse_response(response(200, R"({"id":"t1","polling)"))).kind,
            ProviderErrorKind::kMalformed);
}

TEST(BflPoll, SendsTheKeyToThePollingUrl) {
  const ProviderFollowUp f{"https://api.eu.bfl.ai/v1/get_result?id=t1", "poll", std::nullopt};
  const HttpRequest req = bfl_family().build_follow_up(f, kEndpoint);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.url, f.url);
  EXPECT_EQ(req.headers, (HeaderList{{"x-key", "bfl-key"}}));
}

TEST(BflPoll, EveryStatus) {
  const AsyncTaskFamily bfl = bfl_family();
  const ProviderFollowUp f{"https://x/v1/get_result?id=t1", "poll", std::nullopt};
  for (const char* pending : {"Pending", "Queued", "Processing", "SomethingNew"}) {
    const auto again = expect_follow_up(bfl.parse_follow_up(
        response(200, std::string(R"({"id":"t1","status":")") + pending + R"("})"), f));
    EXPECT_EQ(again.url, f.url) << pending;
  }
  const auto ready = expect_images(bfl.parse_follow_up(
      response(
          200,
          R"({"id":"t1","status":"Ready","result":{"sample":"https://delivery/x.png","seed":1}})"),
      f));
  EXPECT_TRUE(ready.images.empty());
  EXPECT_EQ(ready.urls, (std::vector<std::string>{"https://delivery/x.png"}));
  for (const char* moderated : {"Request Moderated", "Content Moderated"}) {
    EXPECT_EQ(
        expect_error(bfl.parse_follow_up(
                         response(200, std::string(R"({"status":")") + moderated + R"("})"), f))
            .kind,
        ProviderErrorKind::kContentBlocked)
        << moderated;
  }
  for (const char* failed : {"Error", "Failed", "Task not found"}) {
    EXPECT_EQ(expect_error(bfl.parse_follow_up(
                               response(200, std::string(R"({"status":")") + failed + R"("})"), f))
                  .kind,
              ProviderErrorKind::kTransient)
        << failed;
  }
  EXPECT_EQ(expect_error(bfl.parse_follow_up(response(200, R"({"status":"Ready"})"), f)).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(bfl.parse_follow_up(response(200, R"({"status":)"), f)).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(bfl.parse_follow_up(response(200, R"({"id":"t1"})"), f)).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
