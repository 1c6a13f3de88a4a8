#include "worker/providers/family_util.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/base64.h"
#include "worker/providers/http_headers.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {

std::string_view json_str(JsonField field) {
  std::string_view s;
  return field.get(s) ? std::string_view() : s;
}

std::string_view json_str(JsonElement element) {
  std::string_view s;
  return element.get(s) ? std::string_view() : s;
}

std::optional<std::int64_t> json_int(JsonField field) {
  std::int64_t v = 0;
  if (!field.get(v)) return v;
  std::string_view s;
  if (field.get(s)) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::pair<int, int>> parse_aspect_ratio(std::string_view ratio) {
  const auto colon = ratio.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  int a = 0, b = 0;
  const std::string_view l = ratio.substr(0, colon), r = ratio.substr(colon + 1);
  auto [p1, e1] = std::from_chars(l.data(), l.data() + l.size(), a);
  auto [p2, e2] = std::from_chars(r.data(), r.data() + r.size(), b);
  if (e1 != std::errc() || e2 != std::errc() || p1 != l.data() + l.size() ||
      p2 != r.data() + r.size() || a <= 0 || b <= 0) {
    return std::nullopt;
  }
  return std::make_pair(a, b);
}

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char x, char y) { return lower(x) == lower(y); });
  return it != haystack.end();
}

std::string resolve_url(const ProviderEndpoint& endpoint, std::string_view url) {
  if (url.starts_with("/")) return endpoint.base_url + std::string(url);
  return std::string(url);
}

ProviderError http_error(ProviderErrorKind kind, const HttpResponse& r, std::string_view text) {
  ProviderError err = make_provider_error(kind, r.status, text);
  if (kind == ProviderErrorKind::kRateLimited || kind == ProviderErrorKind::kTransient) {
    err.retry_after = retry_after_from(r, std::chrono::system_clock::now());
  }
  return err;
}

ProviderError malformed_error(int status, std::string_view text) {
  return make_provider_error(ProviderErrorKind::kMalformed, status, text);
}

std::string describe_error(int status, std::string_view code, std::string_view message) {
  std::string text = "HTTP " + std::to_string(status);
  if (!code.empty()) text += " " + std::string(code);
  if (!message.empty()) text += ": " + std::string(message);
  return text;
}

std::optional<GeneratedImage> decode_data_url(std::string_view url) {
  if (!url.starts_with("data:")) return std::nullopt;
  const auto comma = url.find(',');
  if (comma == std::string_view::npos) return std::nullopt;
  const std::string_view meta = url.substr(5, comma - 5);
  if (!meta.ends_with(";base64")) return std::nullopt;
  auto bytes = base64_decode(url.substr(comma + 1));
  if (!bytes) return std::nullopt;
  return GeneratedImage{std::move(*bytes), std::string(meta.substr(0, meta.size() - 7))};
}

bool is_http_url(std::string_view url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

ErrorBody::ErrorBody(const std::string& body) {
  JsonElement doc;
  if (!parser_.parse(body).get(doc)) doc_ = doc;
}

std::string_view ErrorBody::text(std::initializer_list<std::string_view> pointers) const {
  if (!doc_) return {};
  for (const std::string_view pointer : pointers) {
    if (const std::string_view s = json_str(doc_->at_pointer(pointer)); !s.empty()) return s;
  }
  return {};
}

std::optional<std::int64_t> ErrorBody::integer(std::string_view pointer) const {
  if (!doc_) return std::nullopt;
  return json_int(doc_->at_pointer(pointer));
}

HttpRequest bearer_json_post(std::string url, const std::string& key, std::string body) {
  HttpRequest req;
  req.method = "POST";
  req.url = std::move(url);
  req.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}};
  req.body = std::move(body);
  return req;
}

}  // namespace imagegen::worker
