#include "worker/providers/kling.h"

#include <gtest/gtest.h>

#include "common/base64.h"
#include "common/jwt.h"
#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://api-singapore.klingai.com", "sim-kling-access",
                                 "sim-kling-secret"};

std::string bearer_of(const HttpRequest& req) {
  for (const auto& [k, v] : req.headers) {
    if (k == "Authorization") return v.substr(7);
  }
  return "";
}

TEST(KlingRequest, Golden) {
  std::int64_t now = 1'700'000'000;
  const AsyncTaskFamily kling = kling_family([&] { return now; });
  JobSpec job = testing::make_job("kling-image-v3", 2);
  job.prompt = "A fox";
  job.negative_prompt = "blur";
  job.seed = 9;  // no seed field upstream
  job.aspect_ratio = "21:9";
  job.resolution = "2K";
  const HttpRequest req = kling.build_request(testing::kling_v3(), job, 2, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://api-singapore.klingai.com/v1/images/generations");
  EXPECT_EQ(req.headers,
            (HeaderList{{"Content-Type", "application/json"},
                        {"Authorization",
                         "Bearer " + jwt::mint_issuer_token("sim-kling-access", "sim-kling-secret",
                                                            now, 1800)}}));
  EXPECT_EQ(
      req.body,
      R"({"model_name":"kling-v3","prompt":"A fox","negative_prompt":"blur","resolution":"2k",)"
      R"("n":2,"aspect_ratio":"21:9"})");
  job.negative_prompt.clear();
  job.resolution = "1K";
  job.aspect_ratio = "4:5";
  EXPECT_EQ(
      kling.build_request(testing::kling_v3(), job, 1, kEndpoint).body,
      R"({"model_name":"kling-v3","prompt":"A fox","resolution":"1k","n":1,"aspect_ratio":"3:4"})");
  EXPECT_EQ(kling.max_images_per_call(testing::kling_v3()), 9);
}

TEST(KlingTask, SubmitPollSucceed) {
  std::int64_t now = 1'700'000'000;
  const AsyncTaskFamily kling = kling_family([&] { return now; });
  const auto f = expect_follow_up(kling.parse_response(response(
      200,
      R"({"code":0,"message":"SUCCEED","request_id":"r","data":{"task_id":"tk1","task_status":"submitted","created_at":1,"updated_at":1}})")));
  EXPECT_EQ(f.url, "/v1/images/generations/tk1");
  const HttpRequest poll = kling.build_follow_up(f, kEndpoint);
  EXPECT_EQ(poll.url, "https://api-singapore.klingai.com/v1/images/generations/tk1");
  EXPECT_EQ(bearer_of(poll),
            jwt::mint_issuer_token("sim-kling-access", "sim-kling-secret", now, 1800));
  for (const char* s : {"submitted", "processing"}) {
    expect_follow_up(kling.parse_follow_up(
        response(200, std::string(R"({"code":0,"data":{"task_id":"tk1","task_status":")") + s +
                          R"("}})"),
        f));
  }
  const auto done = expect_images(kling.parse_follow_up(
      response(
          200,
          R"({"code":0,"data":{"task_id":"tk1","task_status":"succeed","task_result":{"images":[)"
          R"({"index":0,"url":"https://cdn.klingai/a.png"},{"index":1,"url":"https://cdn.klingai/b.png"}]}}})"),
      f));
  EXPECT_EQ(done.urls,
            (std::vector<std::string>{"https://cdn.klingai/a.png", "https://cdn.klingai/b.png"}));
  EXPECT_EQ(
      expect_error(
          kling.parse_follow_up(
              response(
                  200,
                  R"({"code":0,"data":{"task_status":"failed","task_status_msg":"Failure to pass the risk control system"}})"),
              f))
          .kind,
      ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(
      expect_error(
          kling.parse_follow_up(
              response(
                  200,
                  R"({"code":0,"data":{"task_status":"failed","task_status_msg":"internal error"}})"),
              f))
          .kind,
      ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(kling.parse_follow_up(
                             response(200, R"({"code":0,"data":{"task_status":"succeed"}})"), f))
                .kind,
            ProviderErrorKind::kMalformed);
}

TEST(KlingErrors, BusinessCodesDecide) {
  const AsyncTaskFamily kling = kling_family();
  auto kind_of = [&](int status, const std::string& code) {
    return expect_error(kling.parse_response(response(
                            status, R"({"code":)" + code + R"(,"message":"m","request_id":"r"})")))
        .kind;
  };
  EXPECT_EQ(kind_of(429, "1102"), ProviderErrorKind::kQuotaExhausted);  // no balance
  EXPECT_EQ(kind_of(429, "1100"), ProviderErrorKind::kQuotaExhausted);
  EXPECT_EQ(kind_of(429, "1302"), ProviderErrorKind::kRateLimited);
  EXPECT_EQ(kind_of(429, "1303"), ProviderErrorKind::kRateLimited);
  EXPECT_EQ(kind_of(400, "1301"), ProviderErrorKind::kContentBlocked);
  EXPECT_EQ(kind_of(401, "1004"), ProviderErrorKind::kAuth);
  EXPECT_EQ(kind_of(403, "1103"), ProviderErrorKind::kAuth);
  EXPECT_EQ(kind_of(400, "1201"), ProviderErrorKind::kBadRequest);
  EXPECT_EQ(kind_of(503, "5001"), ProviderErrorKind::kTransient);
  EXPECT_EQ(kind_of(200, "1301"), ProviderErrorKind::kContentBlocked);  // 200 with a bad code
  const auto limited = expect_error(kling.parse_response(
      response(429, R"({"code":1302,"message":"too many"})", {{"retry-after", "2"}})));
  EXPECT_EQ(limited.retry_after, std::chrono::milliseconds(2000));
  EXPECT_EQ(expect_error(kling.parse_response(response(502, "<html>"))).kind,
            ProviderErrorKind::kTransient);
  EXPECT_EQ(expect_error(kling.parse_response(response(200, R"({"code":0,"data":{}})"))).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(kling.parse_response(response(200, R"({"code":0,"da)"))).kind,
            ProviderErrorKind::kMalformed);
}

}  // namespace
}  // namespace imagegen::worker
