#pragma once
// GET /, /app.js, /app.css and /openapi.json: the playground and the API document, embedded at
// build time. Pure: no I/O, testable without sockets.
#include <optional>
#include <string_view>

#include "api/api_types.h"

namespace imagegen::api {

// The playground's Content-Security-Policy: nothing from another origin, no inline code.
inline constexpr std::string_view kPlaygroundCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// True for the paths served here.
bool is_static_asset(std::string_view target);

// The answer for GET of a static path (200 with ETag, or 304 when If-None-Match matches);
// std::nullopt for any other path. The caller answers 405 for other methods.
std::optional<ApiResponse> static_asset(std::string_view target, std::string_view if_none_match);

}  // namespace imagegen::api
