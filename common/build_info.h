#pragma once
// imagegen_build_info{version,revision} = 1, the same in every binary: dashboards join on it
// to show which build each process runs.
#include <prometheus/registry.h>

#include <string_view>

namespace imagegen {

std::string_view build_version();
std::string_view build_revision();
void register_build_info(prometheus::Registry& registry);

}  // namespace imagegen
