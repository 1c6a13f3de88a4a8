#pragma once
// Small pieces the provider families share: JSON field access, aspect-ratio parsing, URL
// resolution for follow-ups, error building, data URLs. Pure functions, no I/O.
#include <simdjson.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "worker/providers/provider.h"

namespace imagegen::worker {

using JsonElement = simdjson::dom::element;
using JsonField = simdjson::simdjson_result<simdjson::dom::element>;

// The field as a string, or "" when absent or not a string.
std::string_view json_str(JsonField field);
std::string_view json_str(JsonElement element);
// The field as an integer (also from a numeric string, some envelopes use "1102"), or nullopt.
std::optional<std::int64_t> json_int(JsonField field);

// An upstream's error body, read by JSON pointer ("/error/message", "/detail/0/msg"). A body that
// is not JSON has no fields. The views it returns live as long as it does.
class ErrorBody {
 public:
  explicit ErrorBody(const std::string& body);
  // The first non-empty string among the fields at `pointers`; "" when there is none.
  std::string_view text(std::initializer_list<std::string_view> pointers) const;
  // The field at `pointer` as json_int reads it.
  std::optional<std::int64_t> integer(std::string_view pointer) const;

 private:
  simdjson::dom::parser parser_;
  std::optional<JsonElement> doc_;
};

// "16:9" -> {16, 9}; nullopt for anything else.
std::optional<std::pair<int, int>> parse_aspect_ratio(std::string_view ratio);

bool iequals(std::string_view a, std::string_view b);
bool icontains(std::string_view haystack, std::string_view needle);

// A follow-up URL as sent: absolute URLs as they are, "/path" appended to the endpoint's base.
std::string resolve_url(const ProviderEndpoint& endpoint, std::string_view url);

// make_provider_error plus the response's Retry-After when the kind is retried.
ProviderError http_error(ProviderErrorKind kind, const HttpResponse& r, std::string_view text);
ProviderError malformed_error(int status, std::string_view text);

// "HTTP 400 <code>: <message>" (parts that are empty are left out).
std::string describe_error(int status, std::string_view code, std::string_view message);

// "data:image/png;base64,...." -> the image (mime from the URL). nullopt when not a base64 data
// URL or the payload does not decode.
std::optional<GeneratedImage> decode_data_url(std::string_view url);

bool is_http_url(std::string_view url);

// A JSON POST of `body` to `url` with `Authorization: Bearer <key>`.
HttpRequest bearer_json_post(std::string url, const std::string& key, std::string body);

}  // namespace imagegen::worker
