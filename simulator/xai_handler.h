#pragma once
// xAI Images API (docs/providers.md, xai): `POST /v1/images/generations` with a bearer key and
// `model: grok-imagine-image*` (the router sends grok-* bodies here and gpt-image-* to OpenAI).
// `n` images as temporary URLs served by the simulator (default) or `b64_json`; `aspect_ratio`
// and `resolution` (1k/2k) pick the size; `size`, `quality` and `style` are refused with
// `{"code":"...","error":"Argument not supported: size"}`.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& xai_family();

SimResponse handle_xai(const SimRequest& request, HandlerContext& context);

// `{"code":"<gRPC-style status text>","error":"<message>"}`.
SimResponse xai_error(int status, std::string_view message);

}  // namespace imagegen::sim
