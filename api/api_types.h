#pragma once
// Transport-neutral request/response: handlers never see Beast, so they are testable without
// sockets.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagegen::api {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // path without the query string
  std::string authorization;
  std::string content_type;
  std::string idempotency_key;
  std::string request_id;  // X-Request-Id as received ("" = none; the server makes one)
  std::string prefer;      // Prefer header(s), comma-joined
  std::string if_none_match;
  std::string range;
  std::string query;  // after '?', undecoded
  std::string body;   // capacity >= size + 64 (simdjson padding), see http_server.cpp
};

struct ApiResponse {
  int status = 200;
  std::string body;                                          // JSON
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Retry-After, Allow)
  std::string content_type = "application/json";
  // For the access log and metrics, not sent: what the request was about.
  std::string model = {};
  std::string job_id = {};
  std::string user_id = {};
};

}  // namespace imagegen::api
