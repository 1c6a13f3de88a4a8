#pragma once
// Runway API, Gen-4 image (docs/providers.md, runway): every call needs `Authorization: Bearer` and
// `X-Runway-Version: 2024-11-06`. `POST /v1/text_to_image` {model, promptText, ratio, seed?,
// referenceImages?} -> {id}; `GET /v1/tasks/{id}` walks PENDING -> THROTTLED -> RUNNING (progress)
// -> SUCCEEDED with `output: [url]` of the ratio's exact pixels, or FAILED with a `failureCode`
// (SAFETY.INPUT.TEXT for a refused prompt). `ratio` must be one of Runway's 16 pixel ratios and
// gen4_image_turbo needs referenceImages. Errors are `{"error":"..."}` (+ `issues` on a 400).
// `DELETE /v1/tasks/{id}` cancels a task (204; its polls then say CANCELLED). The simulator
// records every cancel: `GET /sim/runway/cancels` -> {"cancelled": N, "ids": [latest ids]}.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& runway_family();

SimResponse handle_runway(const SimRequest& request, HandlerContext& context);

SimResponse runway_error(int status, std::string_view message);

}  // namespace imagegen::sim
