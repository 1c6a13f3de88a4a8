#include "api/routes/http_cache.h"

#include "common/crypto.h"

namespace imagegen::api {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

namespace {

std::string_view opaque(std::string_view tag) {
  tag = trim_ows(tag);
  if (tag.starts_with("W/")) tag.remove_prefix(2);
  return tag;
}
}  // namespace

std::string strong_etag(std::string_view content) {
  return "\"" + crypto::sha256_hex(content).substr(0, 32) + "\"";
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim_ows(if_none_match) == "*") return !etag.empty();
  const std::string_view want = opaque(etag);
  while (!if_none_match.empty()) {
    auto comma = if_none_match.find(',');
    if (opaque(if_none_match.substr(0, comma)) == want && !want.empty()) return true;
    if (comma == std::string_view::npos) break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace imagegen::api
