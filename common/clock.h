#pragma once
// Wall-clock time as the product stores and prints it: unix milliseconds in Redis and on the
// wire, ISO-8601 UTC with milliseconds in JSON bodies. Deadlines inside a process use
// std::chrono::steady_clock instead; these are for timestamps other processes read.
#include <cstdint>
#include <string>

namespace imagegen {

std::int64_t now_ms();        // unix time in milliseconds (system clock)
std::int64_t unix_seconds();  // unix time in whole seconds (JWT NumericDate)

// "2026-01-02T03:04:05.678Z" for a unix millisecond timestamp. Negative input (before 1970)
// is formatted too; the millisecond part is always 0-999.
std::string format_iso8601_ms(std::int64_t unix_ms);

}  // namespace imagegen
