#include "common/build_info.h"

#include <prometheus/gauge.h>

#ifndef IMAGEGEN_VERSION
#define IMAGEGEN_VERSION "0.0.0"
#endif
#ifndef IMAGEGEN_REVISION
#define IMAGEGEN_REVISION "unknown"
#endif

namespace imagegen {

std::string_view build_version() { return IMAGEGEN_VERSION; }
std::string_view build_revision() { return IMAGEGEN_REVISION; }

void register_build_info(prometheus::Registry& registry) {
  prometheus::BuildGauge()
      .Name("imagegen_build_info")
      .Help("Version and git revision of this binary (always 1)")
      .Register(registry)
      .Add({{"version", std::string(build_version())}, {"revision", std::string(build_revision())}})
      .Set(1);
}

}  // namespace imagegen
