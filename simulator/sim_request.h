#pragma once
// The simulator's own view of one HTTP exchange. Protocol handlers see only these two structs, so
// they stay pure functions that build without Beast and are tested without sockets.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagegen::sim {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SimRequest {
  std::string method;  // "POST", "GET", ...
  std::string target;  // path plus optional "?query", exactly as received
  HeaderList headers;  // names as received; look them up with find_header (case-insensitive)
  std::string body;
};

struct SimResponse {
  int status = 200;
  HeaderList headers;  // extra headers; Content-Type defaults to application/json
  std::string body;
  bool hang = false;           // accept and never answer; the server holds the socket, no thread
  std::uint32_t delay_ms = 0;  // wait this long before answering
};

// Case-insensitive header lookup; empty when the header is absent.
std::string_view find_header(const SimRequest& request, std::string_view name);

// "path?query" -> "path" and "query" (query empty when there is none).
std::string_view target_path(std::string_view target);
std::string_view target_query(std::string_view target);

// The value of one `name=value` pair of a query string, not percent-decoded; empty when absent.
std::string_view query_param(std::string_view query, std::string_view name);

}  // namespace imagegen::sim
