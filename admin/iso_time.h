#pragma once
// ISO-8601 instants for operator flags (`usage --since`) and output. Pure: no clock, no locale.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::admin {

// Unix milliseconds of "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM[:SS[.fraction]][zone]",
// zone = Z | +HH:MM | -HH:MM | +HHMM (none = UTC; ' ' may replace 'T'). nullopt for anything
// else, including impossible dates (2023-02-29) and out-of-range fields.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);

// "2024-05-01T12:00:00.000Z" for unix milliseconds.
std::string format_iso8601_ms(std::int64_t ms);

// The milliseconds part of a Redis stream id ("1714564800000-3" -> 1714564800000).
std::optional<std::int64_t> stream_id_ms(std::string_view id);

}  // namespace imagegen::admin
