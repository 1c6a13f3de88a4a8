#pragma once
// Sourceful Riverflow 2.0 through OpenRouter (docs/providers.md, sourceful): `POST
// /api/v1/chat/completions` with `Authorization: Bearer`, `modalities: ["image"]` and
// `image_config {aspect_ratio, image_size}`; the image comes back synchronously as a data URL in
// `choices[0].message.images[0].image_url.url`. Errors are `{"error":{"code","message",
// "metadata"?}}`; moderation is a 403 whose metadata names the reasons and the flagged input.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& openrouter_family();

SimResponse handle_openrouter(const SimRequest& request, HandlerContext& context);

SimResponse openrouter_error(int status, std::string_view message);

}  // namespace imagegen::sim
