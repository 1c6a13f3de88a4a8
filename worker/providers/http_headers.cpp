#include "worker/providers/http_headers.h"

#include <curl/curl.h>

#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>

namespace imagegen::worker {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whole string must be decimal digits.
std::optional<std::int64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view v) {
  // libcurl's parser reads the three forms RFC 9110 allows (IMF-fixdate, RFC 850, asctime).
  // It is lenient beyond them, so a value must at least end like one of them: " GMT" or a year.
  v = trim(v);
  if (v.size() < 20 || v.size() > 64 ||
      !(v.ends_with(" GMT") || std::isdigit(static_cast<unsigned char>(v.back())))) {
    return std::nullopt;
  }
  const std::string text(v);
  const time_t t = curl_getdate(text.c_str(), nullptr);
  if (t == -1) return std::nullopt;
  return static_cast<std::int64_t>(t);
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (auto secs = parse_uint(value)) return std::chrono::seconds(*secs);
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto delta = std::chrono::seconds(*when) - now_s;
  return delta.count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(delta)
                           : std::chrono::milliseconds(0);
}

std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now) {
  if (const std::string* ms = response.header("retry-after-ms")) {
    if (auto v = parse_uint(trim(*ms))) return std::chrono::milliseconds(*v);
  }
  if (const std::string* ra = response.header("retry-after")) return parse_retry_after(*ra, now);
  return std::nullopt;
}

}  // namespace imagegen::worker
