#include "worker/providers/dashscope.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://dashscope-intl.aliyuncs.com", "ds-key"};

const char* kSuccess =
    R"({"output":{"choices":[{"finish_reason":"stop","message":{"role":"assistant","content":[)"
    R"({"type":"image","image":"https://dashscope-result/a.png?Expires=1"},)"
    R"({"type":"image","image":"https://dashscope-result/b.png?Expires=1"}]}}],"finished":true},)"
    R"("usage":{"image_count":2,"size":"1696*960"},"request_id":"r1"})";

TEST(DashScopeRequest, GoldenSync) {
  const JobSpec job = testing::make_job(
      "wan-2-6-image", 2,
      {.prompt = "A fox", .negative_prompt = "blur", .seed = 42, .aspect_ratio = "16:9"});
  const HttpRequest req = dashscope_family().build_request(testing::wan_2_6(), job, 2, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(
      req.url,
      "https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation");
  EXPECT_EQ(req.headers,
            (HeaderList{{"Content-Type", "application/json"}, {"Authorization", "Bearer ds-key"}}));
  EXPECT_EQ(
      req.body,
      R"({"model":"wan2.6-t2i","input":{"messages":[{"role":"user","content":[{"text":"A fox"}]}]},)"
      R"("parameters":{"negative_prompt":"blur","size":"1696*960","n":2,"prompt_extend":false,)"
      R"("watermark":false,"seed":42}})");
}

TEST(DashScopeRequest, AlwaysSendsNAndNoOptionalsWhenAbsent) {
  JobSpec job = testing::make_job("wan-2-6-image", 1);
  const HttpRequest req = dashscope_family().build_request(testing::wan_2_6(), job, 1, kEndpoint);
  EXPECT_EQ(
      req.body,
      R"({"model":"wan2.6-t2i","input":{"messages":[{"role":"user","content":[{"text":"A sunset over mountains"}]}]},)"
      R"("parameters":{"size":"1280*1280","n":1,"prompt_extend":false,"watermark":false}})");
}

TEST(DashScopeSize, TableStaysInThePixelWindow) {
  const std::pair<const char*, PixelSize> table[] = {
      {"1:1", {1280, 1280}}, {"16:9", {1696, 960}}, {"9:16", {960, 1696}}, {"4:3", {1472, 1104}},
      {"3:4", {1104, 1472}}, {"3:2", {1584, 1056}}, {"2:3", {1056, 1584}}, {"4:5", {1152, 1440}},
      {"5:4", {1440, 1152}}, {"21:9", {2016, 864}}};
  for (const auto& [ratio, size] : table) {
    EXPECT_EQ(dashscope_size(ratio), size) << ratio;
    // Alibaba's own recommended sizes (16:9 1696*960, 4:3 1472*1104) sit a hair under 1280^2.
    EXPECT_GE(size.width * size.height, 1'600'000) << ratio;
    EXPECT_LE(size.width * size.height, 1440 * 1440) << ratio;
  }
}

TEST(DashScopeResponse, SyncImagesAreUrls) {
  const auto got = expect_images(dashscope_family().parse_response(response(200, kSuccess)));
  EXPECT_TRUE(got.images.empty());
  EXPECT_EQ(got.urls, (std::vector<std::string>{"https://dashscope-result/a.png?Expires=1",
                                                "https://dashscope-result/b.png?Expires=1"}));
}

TEST(DashScopeResponse, ErrorShapes) {
  const AsyncTaskFamily ds = dashscope_family();
  EXPECT_EQ(
      expect_error(
          ds.parse_response(response(
              400,
              R"({"code":"DataInspectionFailed","message":"Input data may contain inappropriate content.","request_id":"r"})")))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(expect_error(ds.parse_response(
                             response(400, R"({"code":"IPInfringementSuspect","message":"x"})")))
                .kind,
            ProviderErrorKind::kContentBlocked);
  for (const char* code : {"Throttling", "Throttling.RateQuota", "Throttling.AllocationQuota"}) {
    EXPECT_EQ(expect_error(ds.parse_response(response(
                               429, std::string(R"({"code":")") + code + R"(","message":"slow"})")))
                  .kind,
              ProviderErrorKind::kRateLimited)
        << code;
  }
  EXPECT_EQ(
      expect_error(ds.parse_response(response(400, R"({"code":"Arrearage","message":"overdue"})")))
          .kind,
      ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(
      expect_error(ds.parse_response(response(401, R"({"code":"InvalidApiKey","message":"no"})")))
          .kind,
      ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(
                ds.parse_response(response(400, R"({"code":"InvalidParameter","message":"size"})")))
                .kind,
            ProviderErrorKind::kBadRequest);
  EXPECT_EQ(expect_error(ds.parse_response(response(500, R"({"code":"InternalError"})"))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(ds.parse_response(response(200, R"({"output":{"choices":[]}})"))).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(ds.parse_response(response(200, R"({"output":{"cho)"))).kind,
            ProviderErrorKind::kMalformed);
}

TEST(DashScopeAsync, SubmitPollSucceed) {
  const AsyncTaskFamily ds = dashscope_family(true);
  JobSpec job = testing::make_job("wan-2-6-image", 1);
  const HttpRequest req = ds.build_request(testing::wan_2_6(), job, 1, kEndpoint);
  EXPECT_EQ(req.url,
            "https://dashscope-intl.aliyuncs.com/api/v1/services/aigc/image-generation/generation");
  EXPECT_EQ(req.headers.back(),
            (std::pair<std::string, std::string>{"X-DashScope-Async", "enable"}));

  const auto f = expect_follow_up(ds.parse_response(
      response(200, R"({"output":{"task_id":"t-9","task_status":"PENDING"},"request_id":"r"})")));
  EXPECT_EQ(f.url, "/api/v1/tasks/t-9");
  const HttpRequest poll = ds.build_follow_up(f, kEndpoint);
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.url, "https://dashscope-intl.aliyuncs.com/api/v1/tasks/t-9");
  EXPECT_EQ(poll.headers, (HeaderList{{"Authorization", "Bearer ds-key"}}));

  for (const char* s : {"PENDING", "RUNNING"}) {
    expect_follow_up(ds.parse_follow_up(
        response(200, std::string(R"({"output":{"task_id":"t-9","task_status":")") + s + R"("}})"),
        f));
  }
  const std::string done = std::string(R"({"output":{"task_id":"t-9","task_status":"SUCCEEDED",)") +
                           R"("choices":[{"message":{"content":[{"image":"https://r/x.png"}]}}]}})";
  EXPECT_EQ(expect_images(ds.parse_follow_up(response(200, done), f)).urls,
            (std::vector<std::string>{"https://r/x.png"}));
  EXPECT_EQ(
      expect_error(
          ds.parse_follow_up(
              response(
                  200,
                  R"({"output":{"task_status":"FAILED","code":"DataInspectionFailed","message":"x"}})"),
              f))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(
      expect_error(
          ds.parse_follow_up(
              response(
                  200,
                  R"({"output":{"task_status":"FAILED","code":"InternalError","message":"x"}})"),
              f))
          .kind,
      ProviderErrorKind::kTransient);
  for (const char* s : {"CANCELED", "UNKNOWN"}) {
    EXPECT_EQ(
        expect_error(
            ds.parse_follow_up(
                response(200, std::string(R"({"output":{"task_status":")") + s + R"("}})"), f))
            .kind,
        ProviderErrorKind::kTransient);
  }
}

}  // namespace
}  // namespace imagegen::worker
