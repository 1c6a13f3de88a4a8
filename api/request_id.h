#pragma once
// X-Request-Id: the client's value is kept when it is 1-128 characters of [A-Za-z0-9._-]
// (anything else could forge log lines), otherwise one is made. Returned on every response,
// stored on the job and logged by the worker. Also the api's access log line.
#include <cstddef>
#include <string>
#include <string_view>

namespace imagegen::api {

bool is_valid_request_id(std::string_view id);
std::string accept_or_make_request_id(std::string_view from_client);

struct AccessRecord {
  std::string_view method;
  std::string_view path;
  std::string_view route;
  int status = 0;
  double seconds = 0;
  std::string_view user;
  std::string_view model;
  std::string_view job_id;
  std::string_view request_id;
  std::size_t bytes = 0;
};

// One line per request through spdlog (JSON or text, as logging is configured). The path is
// logged, never a header: tokens stay out of the logs.
void log_access(const AccessRecord& r);

}  // namespace imagegen::api
