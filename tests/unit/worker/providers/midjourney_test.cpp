#include "worker/providers/midjourney.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api.piapi.ai", "mj-key"};

TEST(MidjourneyRequest, Golden) {
  JobSpec job = testing::make_job("midjourney-v7", 3);
  job.prompt = "a fox";
  job.aspect_ratio = "16:9";
  job.negative_prompt = "text";
  job.seed = 7;
  const HttpRequest req =
      midjourney_family().build_request(testing::midjourney_v7(), job, 3, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.piapi.ai/api/v1/task");
  EXPECT_EQ(req.headers,
            (HeaderList{{"Content-Type", "application/json"}, {"x-api-key", "mj-key"}}));
  EXPECT_EQ(
      req.body,
      R"({"model":"midjourney","task_type":"imagine","input":{"prompt":"a fox --v 7 --ar 16:9 --no text --seed 7",)"
      R"("process_mode":"fast"}})");
}

TEST(MidjourneyRequest, VersionFromTheCatalogAndOptionalFlagsLeftOut) {
  ModelInfo m = testing::midjourney_v7();
  m.upstream_id = "6.1";
  JobSpec job = testing::make_job("midjourney-v6-1", 1);
  job.prompt = "castle";
  job.aspect_ratio = "4:5";
  EXPECT_EQ(midjourney_prompt(m, job), "castle --v 6.1 --ar 4:5");
}

TEST(MidjourneySanitize, UserTextCannotAddFlags) {
  EXPECT_EQ(midjourney_sanitize("a fox --v 5 --ar 1:2"), "a fox -v 5 -ar 1:2");
  EXPECT_EQ(midjourney_sanitize("a fox ---tile"), "a fox -tile");
  EXPECT_EQ(midjourney_sanitize("a fox \xE2\x80\x94v 5 \xE2\x80\x93seed 1"), "a fox -v 5 -seed 1");
  EXPECT_EQ(midjourney_sanitize("a fox -\xE2\x80\x94no text"), "a fox -no text");
  EXPECT_EQ(midjourney_sanitize("cat::2 dog:::5"), "cat:2 dog:5");
  EXPECT_EQ(midjourney_sanitize("  line1\nline2\t--v 4  "), "line1 line2 -v 4");
  EXPECT_EQ(midjourney_sanitize("caf\xC3\xA9 well-known"), "caf\xC3\xA9 well-known");
  JobSpec job = testing::make_job("midjourney-v7", 1);
  job.prompt = "fox --v 5";
  job.negative_prompt = "x --seed 1";
  const std::string p = midjourney_prompt(testing::midjourney_v7(), job);
  EXPECT_EQ(p, "fox -v 5 --v 7 --ar 1:1 --no x -seed 1");
}

TEST(MidjourneyTask, SubmitPollComplete) {
  const AsyncTaskFamily mj = midjourney_family();
  const auto f = expect_follow_up(mj.parse_response(response(
      200,
      R"({"code":200,"message":"success","data":{"task_id":"mj-1","model":"midjourney","task_type":"imagine","status":"pending"}})")));
  EXPECT_EQ(f.url, "/api/v1/task/mj-1");
  const HttpRequest poll = mj.build_follow_up(f, kEndpoint);
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.url, "https://api.piapi.ai/api/v1/task/mj-1");
  EXPECT_EQ(poll.headers, (HeaderList{{"x-api-key", "mj-key"}}));
  for (const char* s : {"pending", "Processing", "STAGED", "starting"}) {
    expect_follow_up(mj.parse_follow_up(
        response(200,
                 std::string(R"({"code":200,"data":{"task_id":"mj-1","status":")") + s + R"("}})"),
        f));
  }
  const auto done = expect_images(mj.parse_follow_up(
      response(
          200,
          R"({"code":200,"data":{"task_id":"mj-1","status":"Completed","output":{"image_url":"https://x/grid.png",)"
          R"("temporary_image_urls":["https://x/1.png","https://x/2.png","https://x/3.png","https://x/4.png"]}}})"),
      f));
  EXPECT_EQ(done.urls.size(), 4u);  // the caller downloads only the first `count`
  EXPECT_EQ(done.urls[0], "https://x/1.png");
}

TEST(MidjourneyTask, Failures) {
  const AsyncTaskFamily mj = midjourney_family();
  const ProviderFollowUp f{"/api/v1/task/mj-1", "poll", std::nullopt};
  EXPECT_EQ(
      expect_error(
          mj.parse_follow_up(
              response(
                  200,
                  R"({"code":200,"data":{"status":"failed","error":{"code":10000,"message":"prompt contains banned words","raw_message":"Banned prompt detected"}}})"),
              f))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(
      expect_error(
          mj.parse_follow_up(
              response(
                  200,
                  R"({"code":200,"data":{"status":"failed","error":{"message":"account queue full"}}})"),
              f))
          .kind,
      ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(
                mj.parse_follow_up(
                    response(200, R"({"code":200,"data":{"status":"completed","output":{}}})"), f))
                .kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(mj.parse_follow_up(response(200, R"({"code":200,"da)"), f)).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(
      expect_error(
          mj.parse_response(response(
              400, R"({"code":400,"message":"failed to check prompt: banned word detected"})")))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(expect_error(mj.parse_response(
                             response(402, R"({"code":402,"message":"insufficient credits"})")))
                .kind,
            ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(
      expect_error(mj.parse_response(response(401, R"({"code":401,"message":"invalid api key"})")))
          .kind,
      ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_error(
                mj.parse_response(response(429, R"({"code":429,"message":"too many requests"})")))
                .kind,
            ProviderErrorKind::kRateLimited);
  EXPECT_EQ(expect_error(mj.parse_response(response(500, ""))).kind, ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(mj.parse_response(response(200, R"({"code":200,"data":{}})"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
