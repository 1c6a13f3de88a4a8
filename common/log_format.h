#pragma once
// How a log line looks, without spdlog (pure, unit-tested). Messages are written as
// "event key=value key=\"quoted value\" ..."; in JSON mode each line becomes one object
//   {"ts":"2025-01-01T00:00:00.000Z","level":"info","component":"api","msg":"event","key":"value"}
// with every key=value pair turned into a string field. Text that is not a pair stays in msg;
// a pair whose key is already taken (ts, level, component, msg or a repeat) stays in msg too,
// so no line can overwrite another field. Bytes that are not UTF-8 are replaced, so every line
// parses.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace imagegen {

enum class LogFormat { kJson, kText };

struct LogFields {
  std::string msg;
  std::vector<std::pair<std::string, std::string>> fields;  // in message order
};

LogFields split_log_fields(std::string_view message);

// Invalid UTF-8 sequences become U+FFFD.
std::string valid_utf8(std::string_view s);

// One JSON object, no trailing newline. `ts` is already formatted (RFC 3339, UTC).
std::string json_log_line(std::string_view ts, std::string_view level, std::string_view component,
                          std::string_view message);

}  // namespace imagegen
