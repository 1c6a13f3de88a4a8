#include "worker/providers/runway.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api.dev.runwayml.com", "rw-key"};

TEST(RunwayRequest, Golden) {
  JobSpec job = testing::make_job("runway-gen4-image", 1);
  job.prompt = "A fox";
  job.aspect_ratio = "16:9";
  job.seed = 42;
  const HttpRequest req = runway_family().build_request(testing::runway_gen4(), job, 1, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api.dev.runwayml.com/v1/text_to_image");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"},
                                     {"Authorization", "Bearer rw-key"},
                                     {"X-Runway-Version", "2024-11-06"}}));
  EXPECT_EQ(req.body,
            R"({"model":"gen4_image","promptText":"A fox","ratio":"1920:1080","seed":42})");
}

TEST(RunwayRequest, RatioTable) {
  const std::pair<const char*, const char*> table[] = {
      {"1:1", "1024:1024"}, {"16:9", "1920:1080"}, {"9:16", "1080:1920"}, {"4:3", "1440:1080"},
      {"3:4", "1080:1440"}, {"21:9", "2112:912"},  {"3:2", "1440:1080"},  {"2:3", "1080:1440"},
      {"4:5", "1080:1440"}, {"5:4", "1440:1080"}};
  for (const auto& [ours, theirs] : table) EXPECT_EQ(runway_ratio(ours), theirs) << ours;
}

TEST(RunwayTask, SubmitThenPollWithTheVersionHeader) {
  const AsyncTaskFamily rw = runway_family();
  const auto f = expect_follow_up(rw.parse_response(response(200, R"({"id":"abc-123"})")));
  EXPECT_EQ(f.url, "/v1/tasks/abc-123");
  EXPECT_FALSE(f.delay.has_value());
  const HttpRequest poll = rw.build_follow_up(f, kEndpoint);
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.url, "https://api.dev.runwayml.com/v1/tasks/abc-123");
  EXPECT_EQ(poll.headers,
            (HeaderList{{"Authorization", "Bearer rw-key"}, {"X-Runway-Version", "2024-11-06"}}));
}

TEST(RunwayTask, EveryStatus) {
  const AsyncTaskFamily rw = runway_family();
  const ProviderFollowUp f{"/v1/tasks/t", "poll", std::nullopt};
  for (const char* s : {"PENDING", "THROTTLED", "RUNNING"}) {
    expect_follow_up(rw.parse_follow_up(
        response(200, std::string(R"({"id":"t","status":")") + s + R"(","progress":0.4})"), f));
  }
  EXPECT_EQ(
      expect_images(
          rw.parse_follow_up(
              response(
                  200,
                  R"({"id":"t","status":"SUCCEEDED","output":["https://dnznrvs05pmza.cloudfront.net/x.png"]})"),
              f))
          .urls,
      (std::vector<std::string>{"https://dnznrvs05pmza.cloudfront.net/x.png"}));
  for (const char* code : {"SAFETY.INPUT.TEXT", "SAFETY.INPUT.IMAGE", "SAFETY.OUTPUT.IMAGE"}) {
    EXPECT_EQ(
        expect_error(
            rw.parse_follow_up(
                response(200, std::string(
                                  R"({"status":"FAILED","failure":"moderated","failureCode":")") +
                                  code + R"("})"),
                f))
            .kind,
        ProviderErrorKind::kContentBlocked)
        << code;
  }
  for (const char* code : {"INTERNAL", "THIRD_PARTY.UNAVAILABLE", "INTERNAL.BAD_OUTPUT.CODE01",
                           "INPUT_PREPROCESSING.INTERNAL"}) {
    EXPECT_EQ(expect_error(rw.parse_follow_up(
                               response(200, std::string(R"({"status":"FAILED","failureCode":")") +
                                                 code + R"("})"),
                               f))
                  .kind,
              ProviderErrorKind::kTransient)
        << code;
  }
  EXPECT_EQ(
      expect_error(rw.parse_follow_up(
                       response(200, R"({"status":"FAILED","failureCode":"ASSET.INVALID"})"), f))
          .kind,
      ProviderErrorKind::kBadRequest);
  EXPECT_EQ(expect_error(rw.parse_follow_up(response(200, R"({"status":"CANCELLED"})"), f)).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(
      expect_error(rw.parse_follow_up(response(200, R"({"status":"SUCCEEDED","output":[]})"), f))
          .kind,
      ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(rw.parse_follow_up(response(200, R"({"status":"SUCC)"), f)).kind,
            ProviderErrorKind::kMalformed);
}

TEST(RunwayErrors, HttpShapes) {
  const AsyncTaskFamily rw = runway_family();
  const auto bad = expect_error(rw.parse_response(response(
      400,
      R"({"error":"Invalid ratio","issues":[{"path":["ratio"],"message":"Invalid enum value"}]})")));
  EXPECT_EQ(bad.kind, ProviderErrorKind::kBadRequest);
  EXPECT_NE(bad.message.find("Invalid ratio"), std::string::npos);
  EXPECT_EQ(expect_error(rw.parse_response(response(401, R"({"error":"Invalid API key"})"))).kind,
            ProviderErrorKind::kAuth);
  const auto busy = expect_error(rw.parse_response(
      response(429, R"({"error":"Too many concurrent tasks"})", {{"retry-after", "7"}})));
  EXPECT_EQ(busy.kind, ProviderErrorKind::kRateLimited);
  EXPECT_EQ(busy.retry_after, std::chrono::milliseconds(7000));
  EXPECT_EQ(
      expect_error(rw.parse_response(response(
                       429, R"({"error":"You do not have enough credits to run this task."})")))
          .kind,
      ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(expect_error(rw.parse_response(response(502, "bad gateway"))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(rw.parse_response(response(200, R"({"status":"PENDING"})"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
