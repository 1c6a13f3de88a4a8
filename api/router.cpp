#include "api/router.h"

#include <array>

namespace imagegen::api {

namespace {
struct Row {
  std::string_view prefix;  // the path, or the part before the parameter
  std::string_view suffix;  // after the parameter ("" = none)
  bool has_param;
  bool param_may_have_slashes;
  std::string_view method;
  Route route;
};

constexpr std::array<Row, 12> kRoutes{{
    {"/api/v1/generate-image", "", false, false, "POST", Route::kGenerate},
    {"/api/v1/jobs/", "/cancel", true, false, "POST", Route::kJobCancel},
    {"/api/v1/jobs/", "", true, false, "GET", Route::kJob},
    {"/api/v1/webhooks/secret", "", false, false, "GET", Route::kWebhookSecret},
    {"/api/v1/models", "", false, false, "GET", Route::kModels},
    {"/api/v1/files/", "", true, true, "GET", Route::kFiles},
    {"/openapi.json", "", false, false, "GET", Route::kOpenApi},
    {"/", "", false, false, "GET", Route::kPlayground},
    {"/app.js", "", false, false, "GET", Route::kPlayground},
    {"/app.css", "", false, false, "GET", Route::kPlayground},
    {"/healthz", "", false, false, "GET", Route::kHealthz},
    {"/readyz", "", false, false, "GET", Route::kReadyz},
}};

// The parameter of `target` under `row`, or nullopt when the row does not match the path.
bool path_matches(const Row& row, std::string_view target, std::string_view& param) {
  if (!row.has_param) return target == row.prefix;
  if (!target.starts_with(row.prefix) || !target.ends_with(row.suffix)) return false;
  if (target.size() < row.prefix.size() + row.suffix.size()) return false;
  param = target.substr(row.prefix.size(), target.size() - row.prefix.size() - row.suffix.size());
  if (param.empty()) return false;
  return row.param_may_have_slashes || param.find('/') == std::string_view::npos;
}
}  // namespace

RouteMatch match_route(std::string_view method, std::string_view target) {
  RouteMatch out;
  for (const Row& row : kRoutes) {
    std::string_view param;
    if (!path_matches(row, target, param)) continue;
    // HEAD is answered like GET by most servers; here every route names one method.
    if (row.method == method) {
      return RouteMatch{
          row.route, static_cast<std::size_t>(param.data() - target.data()), param.size(), {}};
    }
    out = RouteMatch{Route::kMethodNotAllowed, 0, 0, row.method};
  }
  return out;
}

std::string_view route_name(Route r) {
  switch (r) {
    case Route::kGenerate:
      return "generate";
    case Route::kJob:
      return "jobs";
    case Route::kJobCancel:
      return "job_cancel";
    case Route::kWebhookSecret:
      return "webhook_secret";
    case Route::kModels:
      return "models";
    case Route::kFiles:
      return "files";
    case Route::kOpenApi:
      return "openapi";
    case Route::kPlayground:
      return "playground";
    case Route::kHealthz:
      return "healthz";
    case Route::kReadyz:
      return "readyz";
    case Route::kNotFound:
    case Route::kMethodNotAllowed:
      break;
  }
  return "other";
}

}  // namespace imagegen::api
