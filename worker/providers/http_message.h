#pragma once
// Plain HTTP request/response values shared by the HTTP client and the pure provider code, so
// providers build and parse without pulling in Asio or curl.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagegen::worker {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, ...
  std::string url;             // absolute: scheme://host[:port]/path[?query]
  HeaderList headers;          // sent as given
  std::string body;            // sent when non-empty (or when method is POST/PUT)
  // Refuse a response body above this (kProtocol); 0 = the client's own cap. Result downloads
  // use a tighter bound than API answers.
  std::size_t max_response_bytes = 0;
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;  // names lower-cased, values trimmed, in arrival order
  std::string body;

  // The first header with this (lower-case) name, or nullptr.
  const std::string* header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return &v;
    }
    return nullptr;
  }
};

}  // namespace imagegen::worker
