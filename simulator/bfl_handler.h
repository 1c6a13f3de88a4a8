#pragma once
// Black Forest Labs FLUX.2 API (docs/providers.md, bfl): `POST /v1/flux-2-{max,pro,flex,klein-9b,
// klein-4b}` with `x-key` submits a task and answers `{id, polling_url, cost, input_mp,
// output_mp}`; `GET /v1/get_result?id=` (x-key again) walks Pending -> Ready with
// `result.sample`, a /files/ URL of the simulator that expires like BFL's delivery URLs.
// Validation errors are FastAPI 422s (`{"detail":[{loc,msg,type}]}`); moderation is a poll
// status (`Request Moderated`, `Content Moderated`), never an HTTP status.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& bfl_family();

SimResponse handle_bfl(const SimRequest& request, HandlerContext& context);

// `{"detail":"..."}`; 429 is `{"error":"rate_limit_exceeded","message":...}`.
SimResponse bfl_error(int status, std::string_view message);

}  // namespace imagegen::sim
