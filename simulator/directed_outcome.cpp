#include "simulator/directed_outcome.h"

#include <string>

namespace imagegen::sim {

std::optional<SimResponse> directed_failure(const Directives& directives,
                                            const ProtocolFamily& family) {
  if (directives.hang) {
    SimResponse response;
    response.hang = true;
    return response;
  }
  if (directives.fail_status) {
    SimResponse response = family.error(*directives.fail_status, {});
    if (directives.retry_after_s)
      response.headers.emplace_back("Retry-After", std::to_string(*directives.retry_after_s));
    return response;
  }
  return std::nullopt;
}

std::uint32_t partial_grant(const Directives& directives, std::string_view prompt,
                            std::uint32_t wanted, HandlerContext& context) {
  if (!directives.partial_limit) return wanted;
  return context.services.partials.take(prompt, *directives.partial_limit, wanted, context.now);
}

SimResponse partial_exhausted(const ProtocolFamily& family) {
  return family.error(500,
                      "[sim:partial] this prompt has already received all the images it may get");
}

SimResponse with_directed_delay(SimResponse response, const Directives& directives) {
  if (directives.delay_ms) response.delay_ms += *directives.delay_ms;
  return response;
}

}  // namespace imagegen::sim
