#pragma once
// Retry-After parsing (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
#include <chrono>
#include <optional>
#include <string_view>

#include "worker/providers/http_message.h"

namespace imagegen::worker {

// "120" -> 120 s; "Sun, 06 Nov 1994 08:49:37 GMT" (or the obsolete RFC 850 / asctime forms)
// -> the time from `now` until then, 0 when it is already past. nullopt when unparseable.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

// Seconds-since-epoch of an HTTP-date, or nullopt.
std::optional<std::int64_t> parse_http_date(std::string_view value);

// The delay a response asks for: `retry-after-ms` (OpenAI's millisecond variant) first, then
// `retry-after`. nullopt when neither is present or parseable.
std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now);

}  // namespace imagegen::worker
