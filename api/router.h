#pragma once
// Which route a request is for: one table of (path pattern, method, route). Pure, so the
// routing rules (404 vs 405, path parameters) are tested without sockets.
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace imagegen::api {

enum class Route {
  kGenerate,       // POST /api/v1/generate-image
  kJob,            // GET  /api/v1/jobs/{id}
  kJobCancel,      // POST /api/v1/jobs/{id}/cancel
  kWebhookSecret,  // GET  /api/v1/webhooks/secret
  kModels,         // GET  /api/v1/models
  kFiles,          // GET  /api/v1/files/{filePath}
  kOpenApi,        // GET  /openapi.json
  kPlayground,     // GET  /, /app.js, /app.css (static assets)
  kHealthz,        // GET  /healthz
  kReadyz,         // GET  /readyz
  kNotFound,
  kMethodNotAllowed,
};

struct RouteMatch {
  Route route = Route::kNotFound;
  // {id} or {filePath} as a place in the target, not a view of it: the request (and its target)
  // moves into the route's handler after matching, and a short string's characters move with it.
  std::size_t param_offset = 0;
  std::size_t param_size = 0;
  std::string_view allow;  // kMethodNotAllowed: the Allow header's value (static text)

  // The parameter within `target`, the same target that was matched (wherever it lives now).
  std::string_view param(std::string_view target) const {
    return target.substr(std::min(param_offset, target.size()), param_size);
  }
};

RouteMatch match_route(std::string_view method, std::string_view target);

// Metric label of a route (a fixed set: no user input reaches a label).
std::string_view route_name(Route r);

}  // namespace imagegen::api
