#include "api/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imagegen::api {
namespace {

struct RouteCase {
  const char* method;
  const char* path;
  Route route;
  const char* param = nullptr;  // checked when set
};

void expect_routes(const std::vector<RouteCase>& cases) {
  for (const RouteCase& c : cases) {
    const auto m = match_route(c.method, c.path);
    EXPECT_EQ(m.route, c.route) << c.method << " " << c.path;
    if (c.param != nullptr) {
      EXPECT_EQ(m.param(c.path), c.param) << c.method << " " << c.path;
    }
  }
}

TEST(Router, TheParameterIsReadFromTheTargetWhereverItMovedTo) {
  // Short enough for the small-string buffer: moving it copies the characters, and the old
  // object is then free to change. The match names a place, so it reads the new home.
  std::string target = "/api/v1/jobs/ab";
  const RouteMatch m = match_route("GET", target);
  const std::string moved = std::move(target);
  target.assign(moved.size(), 'x');
  EXPECT_EQ(m.route, Route::kJob);
  EXPECT_EQ(m.param(moved), "ab");
}

TEST(Router, MatchesEveryRouteAndItsParameter) {
  expect_routes({
      {"POST", "/api/v1/generate-image", Route::kGenerate},
      {"GET", "/api/v1/jobs/abc123", Route::kJob, "abc123"},
      {"POST", "/api/v1/jobs/abc123/cancel", Route::kJobCancel, "abc123"},
      {"GET", "/api/v1/files/u1/generated/generated_j_0.png", Route::kFiles,
       "u1/generated/generated_j_0.png"},
      {"GET", "/api/v1/models", Route::kModels},
      {"GET", "/api/v1/webhooks/secret", Route::kWebhookSecret},
      {"GET", "/openapi.json", Route::kOpenApi},
      {"GET", "/", Route::kPlayground},
      {"GET", "/healthz", Route::kHealthz},
      {"GET", "/readyz", Route::kReadyz},
  });
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
  expect_routes({
      {"GET", "/nope", Route::kNotFound},
      {"GET", "/api/v1/jobs/", Route::kNotFound},
      {"GET", "/api/v1/jobs/a/b", Route::kNotFound},
      {"POST", "/api/v1/jobs//cancel", Route::kNotFound},
      {"GET", "/api/v1/generate-image/x", Route::kNotFound},
  });
}

TEST(Router, RouteNamesAreAFixedSet) {
  EXPECT_EQ(route_name(Route::kGenerate), "generate");
  EXPECT_EQ(route_name(Route::kJob), "jobs");
  EXPECT_EQ(route_name(Route::kNotFound), "other");
  EXPECT_EQ(route_name(Route::kMethodNotAllowed), "other");
}

}  // namespace
}  // namespace imagegen::api
