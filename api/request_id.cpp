#include "api/request_id.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/crypto.h"

namespace imagegen::api {

bool is_valid_request_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

std::string accept_or_make_request_id(std::string_view from_client) {
  if (is_valid_request_id(from_client)) return std::string(from_client);
  return crypto::random_hex(16);
}

void log_access(const AccessRecord& r) {
  // The path of a file request holds a user id, not a secret; query strings are not logged.
  spdlog::info(
      "access method={} path={} route={} status={} duration_ms={:.3f} user={} model={} "
      "job={} request_id={} bytes={}",
      r.method, r.path, r.route, r.status, r.seconds * 1000.0, r.user, r.model, r.job_id,
      r.request_id, r.bytes);
}

}  // namespace imagegen::api
