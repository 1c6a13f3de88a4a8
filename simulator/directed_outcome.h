#pragma once
// The family-independent part of obeying prompt directives, shared by every family's handler.
#include <optional>
#include <string_view>

#include "simulator/directives.h"
#include "simulator/protocol_family.h"

namespace imagegen::sim {

// `hang` and `fail` decide the answer before the family looks at anything else. Returns that
// answer (a hang, or the family's error envelope with `Retry-After` when asked), or nullopt.
std::optional<SimResponse> directed_failure(const Directives& directives,
                                            const ProtocolFamily& family);

// Grants images under `[sim:partial=K]`: how many of `wanted` may be delivered now (all of them
// when there is no partial directive). 0 means the family must answer `partial_exhausted`.
std::uint32_t partial_grant(const Directives& directives, std::string_view prompt,
                            std::uint32_t wanted, HandlerContext& context);

// The answer once a partial prompt has had all its images: a 500 in the family's envelope.
SimResponse partial_exhausted(const ProtocolFamily& family);

// Applies `delay` to whatever the answer is (the router adds the whole-run latency on top).
SimResponse with_directed_delay(SimResponse response, const Directives& directives);

}  // namespace imagegen::sim
