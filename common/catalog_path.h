#pragma once
// Where a binary finds the model catalog, from any working directory:
//   1. IMAGEGEN_CATALOG (flag or environment) when set;
//   2. <directory of the executable>/../share/imagegen/models.json — the install layout
//      (`cmake --install` puts binaries in bin/ and the catalog in share/imagegen/), which the
//      build tree mirrors (CMake copies config/models.json to <build>/share/imagegen/);
//   3. config/models.json under the working directory (a checkout's root, as before).
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace imagegen {

// The places to look, in order. `configured` is IMAGEGEN_CATALOG ("" = not set): when set it is
// the only candidate, so a typo is reported instead of silently falling back. `exe_path` is the
// running binary's path ("" when unknown).
std::vector<std::string> catalog_candidates(std::string_view configured, std::string_view exe_path);

// The first candidate `exists` accepts; an error naming every place looked at otherwise.
Result<std::string> choose_catalog_path(const std::vector<std::string>& candidates,
                                        const std::function<bool(const std::string&)>& exists);

// The adapter: candidates for this process (/proc/self/exe), checked on the file system.
Result<std::string> find_catalog_path(std::string_view configured);

}  // namespace imagegen
