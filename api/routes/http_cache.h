#pragma once
// Entity tags and conditional GETs (RFC 9110 8.8.3, 13.1.2) for the api's cacheable answers.
#include <string>
#include <string_view>

namespace imagegen::api {

// A strong ETag for `content`: a quoted prefix of its SHA-256.
std::string strong_etag(std::string_view content);

// A header value without its optional whitespace (spaces and tabs, RFC 9110 5.6.3) at the ends.
std::string_view trim_ows(std::string_view s);

// True when an If-None-Match header value matches `etag`: "*", or any entry of the
// comma-separated list compared weakly (a W/ prefix on either side is ignored), as GET requires.
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace imagegen::api
