#pragma once
// Kling AI image generation (docs/providers.md, kling). Every call carries `Authorization: Bearer
// <HS256 JWT>` checked against `--kling-access-key` / `--kling-secret-key`. `POST
// /v1/images/generations` {model_name:"kling-v3", prompt, negative_prompt?, resolution 1k|2k,
// n 1..9, aspect_ratio} (the router sends bodies with `model_name` here, not to OpenAI) answers a
// `{code:0, message, request_id, data:{task_id, task_status:"submitted"}}` envelope;
// `GET /v1/images/generations/{task_id}` walks submitted -> processing -> succeed with
// `task_result.images[] = {index, url}`. Errors keep the envelope with a business `code`:
//   auth: 1001 no token, 1002 bad token (signature, issuer, shape), 1003 nbf in the future,
//         1004 expired (all HTTP 401); 1102 no balance (429, not retryable);
//   1200 bad parameter (400); 1301 content safety (400); 1302 rate limit (429, retryable);
//   5000 / 5001 / 5002 server error / maintenance / backlog (500 / 503 / 504).
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& kling_family();

SimResponse handle_kling(const SimRequest& request, HandlerContext& context);

// The envelope with Kling's usual business code for `status`.
SimResponse kling_error(int status, std::string_view message);

// The HTTP status Kling pairs with a business code (1102 -> 429, 1301 -> 400, ...).
int kling_http_status(int code);

}  // namespace imagegen::sim
