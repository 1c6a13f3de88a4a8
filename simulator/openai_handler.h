#pragma once
// OpenAI Images API, GPT image models (docs/providers.md, openai): `POST /v1/images/generations`
// with `Authorization: Bearer <key>`; `n` images come back as `data[].b64_json`. Errors use
// `{"error":{"message","type","param","code"}}`; moderation is a 400 with `moderation_blocked`.
#include <string_view>

#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& openai_family();

bool is_openai_path(std::string_view path);

SimResponse handle_openai(const SimRequest& request, HandlerContext& context);

// The envelope for `status` with OpenAI's usual type and code for it (429 also carries
// `x-ratelimit-*` headers); an empty message picks OpenAI's usual text.
SimResponse openai_error(int status, std::string_view message);

}  // namespace imagegen::sim
