#pragma once
// Log setup shared by the binaries: key=value messages on stderr via spdlog, written as one JSON
// object per line (IMAGEGEN_LOG_FORMAT=json, the default) or as plain text (text); see
// common/log_format.h for the JSON shape.
#include <string>

#include "common/log_format.h"
#include "common/result.h"

namespace imagegen {

Result<LogFormat> parse_log_format(const std::string& text);  // "json" | "text"

Result<Ok> init_logging(const std::string& program, const std::string& level,
                        LogFormat format = LogFormat::kJson);

}  // namespace imagegen
