#include "api/router.h"

#include <gtest/gtest.h>

namespace imagegen::api {
namespace {

TEST(Router, MatchesEveryRouteAndItsParameter) {
  EXPECT_EQ(match_route("POST", "/api/v1/generate-image").route, Route::kGenerate);
  auto job = match_route("GET", "/api/v1/jobs/abc123");
  EXPECT_EQ(job.route, Route::kJob);
  EXPECT_EQ(job.param, "abc123");
  auto cancel = match_route("POST", "/api/v1/jobs/abc123/cancel");
  EXPECT_EQ(cancel.route, Route::kJobCancel);
  EXPECT_EQ(cancel.param, "abc123");
  auto file = match_route("GET", "/api/v1/files/u1/generated/generated_j_0.png");
  EXPECT_EQ(file.route, Route::kFiles);
  EXPECT_EQ(file.param, "u1/generated/generated_j_0.png");
  EXPECT_EQ(match_route("GET", "/api/v1/models").route, Route::kModels);
  EXPECT_EQ(match_route("GET", "/api/v1/webhooks/secret").route, Route::kWebhookSecret);
  EXPECT_EQ(match_route("GET", "/openapi.json").route, Route::kOpenApi);
  EXPECT_EQ(match_route("GET", "/").route, Route::kPlayground);
  EXPECT_EQ(match_route("GET", "/healthz").route, Route::kHealthz);
  EXPECT_EQ(match_route("GET", "/readyz").route, Route::kReadyz);
}

TEST(Router, WrongMethodIs405WithAllow) {
  auto r = match_route("GET", "/api/v1/generate-image");
  EXPECT_EQ(r.route, Route::kMethodNotAllowed);
  EXPECT_EQ(r.allow, "POST");
  auto j = match_route("DELETE", "/api/v1/jobs/abc");
  EXPECT_EQ(j.route, Route::kMethodNotAllowed);
  EXPECT_EQ(j.allow, "GET");
  EXPECT_EQ(match_route("GET", "/api/v1/jobs/abc/cancel").allow, "POST");
}

TEST(Router, UnknownPathsAndEmptyParametersAre404) {
  EXPECT_EQ(match_route("GET", "/nope").route, Route::kNotFound);
  EXPECT_EQ(match_route("GET", "/api/v1/jobs/").route, Route::kNotFound);
  EXPECT_EQ(match_route("GET", "/api/v1/jobs/a/b").route, Route::kNotFound);
  EXPECT_EQ(match_route("POST", "/api/v1/jobs//cancel").route, Route::kNotFound);
  EXPECT_EQ(match_route("GET", "/api/v1/generate-image/x").route, Route::kNotFound);
}

TEST(Router, RouteNamesAreAFixedSet) {
  EXPECT_EQ(route_name(Route::kGenerate), "generate");
  EXPECT_EQ(route_name(Route::kJob), "jobs");
  EXPECT_EQ(route_name(Route::kNotFound), "other");
  EXPECT_EQ(route_name(Route::kMethodNotAllowed), "other");
}

}  // namespace
}  // namespace imagegen::api
