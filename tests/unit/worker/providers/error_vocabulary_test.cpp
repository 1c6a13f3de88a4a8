// One error vocabulary for eight protocols: every family's way of saying "moderated", "out of
// money" and "slow down" lands on the same kind, and the one retry function treats them alike.
#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"
#include "worker/providers/bfl.h"
#include "worker/providers/byteplus.h"
#include "worker/providers/dashscope.h"
#include "worker/providers/kling.h"
#include "worker/providers/midjourney.h"
#include "worker/providers/runway.h"
#include "worker/providers/sourceful.h"
#include "worker/providers/xai.h"
#include "worker/retry_policy.h"

namespace imagegen::worker {
namespace {

using K = ProviderErrorKind;
using std::chrono::milliseconds;

struct Row {
  const ProviderFamily& family;
  bool follow_up;
  HttpResponse response;
  K kind;
  bool retried;
};

TEST(ErrorVocabulary, EveryStyleMapsToOneKindAndOneRetryDecision) {
  const AsyncTaskFamily bfl = bfl_family();
  const XaiFamily xai;
  const BytePlusFamily byteplus;
  const SourcefulFamily sourceful;
  const AsyncTaskFamily dashscope = dashscope_family();
  const AsyncTaskFamily runway = runway_family();
  const AsyncTaskFamily kling = kling_family();
  const AsyncTaskFamily mj = midjourney_family();
  using testing::response;
  const Row rows[] = {
      // moderation: task status, HTTP 400 code, gateway 4xx, business code
      {bfl, true, response(200, R"({"status":"Request Moderated"})"), K::kContentBlocked, false},
      {runway, true, response(200, R"({"status":"FAILED","failureCode":"SAFETY.OUTPUT.IMAGE"})"),
       K::kContentBlocked, false},
      {mj, true,
       response(200, R"({"data":{"status":"failed","error":{"message":"banned prompt"}}})"),
       K::kContentBlocked, false},
      {byteplus, false, response(400, R"({"error":{"code":"InputTextSensitiveContentDetected"}})"),
       K::kContentBlocked, false},
      {dashscope, false, response(400, R"({"code":"DataInspectionFailed"})"), K::kContentBlocked,
       false},
      {kling, false, response(400, R"({"code":1301,"message":"risk"})"), K::kContentBlocked, false},
      {sourceful, false,
       response(403, R"({"error":{"code":403,"message":"flagged","metadata":{"reasons":["x"]}}})"),
       K::kContentBlocked, false},
      {xai, false, response(400, R"({"error":"Generated image rejected by content moderation."})"),
       K::kContentBlocked, false},
      // out of money: never retried, even as a 429
      {kling, false, response(429, R"({"code":1102,"message":"balance not enough"})"),
       K::kQuotaExhausted, false},
      {bfl, false, response(402, R"({"detail":"Insufficient credits"})"), K::kQuotaExhausted,
       false},
      {sourceful, false,
       response(402, R"({"error":{"code":402,"message":"Insufficient credits"}})"),
       K::kQuotaExhausted, false},
      // busy: retried
      {kling, false,
       response(429, R"({"code":1303,"message":"parallel task over resource pack limit"})"),
       K::kRateLimited, true},
      {bfl, false, response(429, R"({"error":"rate_limit_exceeded"})"), K::kRateLimited, true},
      {dashscope, false, response(429, R"({"code":"Throttling.RateQuota"})"), K::kRateLimited,
       true},
      {byteplus, false, response(429, R"({"error":{"code":"RateLimitExceeded"}})"), K::kRateLimited,
       true},
      // a failed task may work on a new submit
      {runway, true,
       response(200, R"({"status":"FAILED","failureCode":"THIRD_PARTY.UNAVAILABLE"})"),
       K::kTransient, true},
      {bfl, true, response(200, R"({"status":"Error"})"), K::kTransient, true},
  };
  int i = 0;
  for (const Row& r : rows) {
    const ProviderFollowUp f{"/poll", "poll", std::nullopt};
    const ProviderError e =
        testing::expect_error(r.follow_up ? r.family.parse_follow_up(r.response, f)
                                          : r.family.parse_response(r.response));
    EXPECT_EQ(e.kind, r.kind) << "row " << i << " " << r.family.name() << ": " << e.message;
    EXPECT_EQ(decide_retry(e, 1, milliseconds(60'000), 0.5).retry, r.retried) << "row " << i;
    ++i;
  }
}

}  // namespace
}  // namespace imagegen::worker
