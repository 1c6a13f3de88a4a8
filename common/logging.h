#pragma once
// Log setup shared by the binaries: structured key=value messages on stderr via spdlog.
#include <string>

#include "common/result.h"

namespace imagegen {
Result<Ok> init_logging(const std::string& program, const std::string& level);
}
