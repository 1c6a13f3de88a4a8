#pragma once
// A blocking HTTP client for tests (libcurl easy): tests are the client side, so blocking is fine.
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace imagegen::testing {

struct HttpResult {
  long status = 0;  // 0 = transport failure
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string error;
};

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::string& body = "", const std::vector<std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace imagegen::testing
