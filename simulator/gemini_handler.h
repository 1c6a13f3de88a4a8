#pragma once
// Google Gemini API `generateContent` as the image models answer it (docs/providers.md, gemini):
// `POST /v1beta/models/{MODEL}:generateContent`, key in `x-goog-api-key` (or `?key=`), prompt in
// `contents[0].parts[].text`, size from `generationConfig.imageConfig`; the image comes back as
// base64 in `candidates[0].content.parts[].inlineData`. Safety blocks are HTTP 200 answers.
#include <string_view>

#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& gemini_family();

bool is_gemini_path(std::string_view path);
// "/v1beta/models/gemini-2.5-flash-image:generateContent" -> "gemini-2.5-flash-image".
std::string_view gemini_model_from_path(std::string_view path);

SimResponse handle_gemini(const SimRequest& request, HandlerContext& context);

// `{"error":{"code":N,"message":"...","status":"RESOURCE_EXHAUSTED"}}` with Google's status name
// for N; an empty message picks Google's usual text for that status.
SimResponse gemini_error(int status, std::string_view message);

}  // namespace imagegen::sim
