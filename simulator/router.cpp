// imagegen-sim: every endpoint and directive (the README copies this block).
//
// Base URLs: point each provider at http://127.0.0.1:PORT plus its SDK's path prefix
// (OPENAI_BASE_URL=.../v1, OPENROUTER_BASE_URL=.../api/v1, the others the bare host). URLs the
// simulator hands out (polling_url, result files) are built from the request's Host header.
//
// ENDPOINTS (auth failures answer in each family's own envelope)
//   gemini      POST /v1beta/models/{model}:generateContent            x-goog-api-key or ?key=
//   openai      POST /v1/images/generations  (body model gpt-image-*)  Bearer
//   xai         POST /v1/images/generations  (body model grok-*)       Bearer; url (default) or
//   b64_json kling       POST /v1/images/generations  (body has model_name)     Bearer HS256 JWT
//   (iss/exp/nbf)
//               GET  /v1/images/generations/{task_id}                  submitted -> processing ->
//               succeed
//   bfl         POST /v1/flux-2-{max,pro,flex,klein-9b,klein-4b}       x-key; 422 FastAPI detail on
//   bad size
//               GET  /v1/get_result?id=                                Pending -> Ready |
//               Request/Content
//                                                                      Moderated | Task not found
//   midjourney  POST /api/v1/task (PiAPI imagine)                      x-api-key; --v 7|6.1, --ar
//   W:H
//               GET  /api/v1/task/{task_id}                            pending -> processing ->
//               completed|failed
//   runway      POST /v1/text_to_image                                 Bearer + X-Runway-Version:
//   2024-11-06
//               GET  /v1/tasks/{id}                                    PENDING -> THROTTLED ->
//               RUNNING ->
//                                                                      SUCCEEDED |
//                                                                      FAILED(failureCode)
//   byteplus    POST /api/v3/images/generations                        Bearer; x-sim-watermarked:
//   true when
//                                                                      watermark was not false
//   sourceful   POST /api/v1/chat/completions (OpenRouter)             Bearer; image as a data URL
//   dashscope   POST /api/v1/services/aigc/multimodal-generation/generation   (sync) Bearer
//               POST /api/v1/services/aigc/image-generation/generation        + X-DashScope-Async:
//               enable GET  /api/v1/tasks/{task_id}                           PENDING -> RUNNING ->
//               SUCCEEDED|FAILED
//                                                                      x-sim-prompt-extended: true
//                                                                      when prompt_extend was not
//                                                                      false
//   supabase    POST|PUT|GET /storage/v1/object/{bucket}/{path...}     Bearer or apikey; x-upsert:
//   true;
//                                                                      duplicate -> 400 statusCode
//                                                                      "409"
//   files       GET  /files/{token}.png                                result images; 403 after
//                                                                      --result-ttl-ms, 404 when
//                                                                      unknown
//   health      GET  /healthz
//
// PROMPT DIRECTIVES (anywhere in the prompt; for midjourney in input.prompt, runway promptText,
// dashscope the text item, openrouter the user message)
//   [sim:delay=MS]          sync families: answer MS later; async families: the task finishes no
//                           sooner than MS after submission
//   [sim:fail=CODE]         answer HTTP CODE (400..599) in the family's error envelope (async
//                           families: at submit). BFL 429 is {"error":"rate_limit_exceeded",...};
//                           Kling maps 429 -> code 1302, 5xx -> 5000/5001/5002; DashScope 429 ->
//                           Throttling.RateQuota; OpenRouter 402 -> insufficient credits
//   [sim:fail=429,retry-after=S]  the same plus `Retry-After: S` (BFL also `retry_after` in body)
//   [sim:hang]              sync families: accept and never answer; async families: the task
//                           never finishes (stays in its last unfinished state until it expires)
//   [sim:garbage]           the image bytes (inline or behind the URL) are not an image
//   [sim:expired]           URL families: the result URL answers 403 from the start
//   [sim:moderated]         the family's prompt refusal: gemini 200 + promptFeedback; openai 400
//                           moderation_blocked; xai 400; bfl status "Request Moderated"; runway
//                           FAILED SAFETY.INPUT.TEXT; byteplus 400
//                           InputTextSensitiveContentDetected; openrouter 403 +
//                           metadata.reasons/flagged_input; kling 400 code 1301; dashscope 400
//                           DataInspectionFailed; midjourney task "failed" (banned prompt)
//   [sim:moderated=output]  the output-blocked variant where the family has one (gemini
//   IMAGE_SAFETY,
//                           bfl "Content Moderated", runway SAFETY.OUTPUT.IMAGE, byteplus
//                           OutputImageSensitiveContentDetected, dashscope/kling failed task)
//   [sim:thought]           gemini: an interim thought image precedes the real one
//   [sim:partial=K]         only K images in total are ever delivered for this prompt text; the
//   rest
//                           answer 500 every time (async families count tasks/grids at submit)
//   [sim:kling=CODE]        kling: answer business code CODE with its HTTP status (1102 -> 429 no
//                           balance, not retryable; 1303 -> 429; 1103 -> 403; ...)
// Storage has no prompt: a path containing `sim-fail-once` answers 503 on its first upload only.
//
// FLAGS (also IMAGEGEN_SIM_* variables; see --help): --port --bind --threads --latency-ms
//   --fault-rate (500 on that share of provider/file requests; not storage) --seed --poll-steps
//   (unfinished polls before an async task finishes, default 2; runway at least 3; 0 = at once)
//   --max-tasks-per-key (bfl, default 24) --result-ttl-ms (default 600000) --kling-access-key
//   --kling-secret-key --storage-fail-rate
#include "simulator/router.h"

#include <chrono>
#include <string>

#include "common/clock.h"
#include "common/json_writer.h"
#include "simulator/bfl_handler.h"
#include "simulator/byteplus_handler.h"
#include "simulator/dashscope_handler.h"
#include "simulator/files_handler.h"
#include "simulator/gemini_handler.h"
#include "simulator/json_fields.h"
#include "simulator/kling_handler.h"
#include "simulator/midjourney_handler.h"
#include "simulator/openai_handler.h"
#include "simulator/openrouter_handler.h"
#include "simulator/runway_handler.h"
#include "simulator/storage_handler.h"
#include "simulator/xai_handler.h"

namespace imagegen::sim {
namespace {

SimResponse plain_error(int status, std::string_view message) {
  SimResponse response;
  response.status = status;
  response.body = "{\"error\":{\"code\":" + std::to_string(status) + ",\"message\":";
  append_json_string(response.body, message);
  response.body += "}}";
  return response;
}

// `POST /v1/images/generations` is OpenAI's, xAI's and Kling's path: the body says whose.
const ProtocolFamily& images_generations_family(const std::string& text) {
  JsonBody body;
  if (!body.parse(text)) return openai_family();  // OpenAI's "could not parse" answer
  if (string_field(body.root(), "model_name").present) return kling_family();
  if (string_field(body.root(), "model").or_default("").starts_with("grok-")) return xai_family();
  return openai_family();
}

bool method_allowed(std::string_view allowed, std::string_view method) {
  while (!allowed.empty()) {
    const auto comma = allowed.find(',');
    std::string_view one = allowed.substr(0, comma);
    while (one.starts_with(' ')) one.remove_prefix(1);
    if (one == method) return true;
    if (comma == std::string_view::npos) break;
    allowed.remove_prefix(comma + 1);
  }
  return false;
}

const ProtocolFamily* pick_family(const SimRequest& request, std::string_view path) {
  if (path == "/v1/images/generations" && request.method == "POST")
    return &images_generations_family(request.body);
  for (const ProtocolFamily* family : all_families()) {
    if (!family->methods(path).empty()) return family;
  }
  return nullptr;
}

}  // namespace

const std::vector<const ProtocolFamily*>& all_families() {
  // A new family: its file pair plus one entry here.
  static const std::vector<const ProtocolFamily*> families{
      &gemini_family(), &openai_family(),     &bfl_family(),       &openrouter_family(),
      &xai_family(),    &byteplus_family(),   &dashscope_family(), &runway_family(),
      &kling_family(),  &midjourney_family(), &storage_family(),   &files_family()};
  return families;
}

Router::Router(RouterOptions options, SimServices& services)
    : options_(options), services_(services), faults_(options.fault_rate, options.seed) {}

SimResponse Router::dispatch(const SimRequest& request, simdjson::ondemand::parser& json) {
  SimResponse response = route(request, json);
  response.delay_ms += options_.latency_ms;
  return response;
}

SimResponse Router::route(const SimRequest& request, simdjson::ondemand::parser& json) {
  const std::string_view path = target_path(request.target);
  if (path == "/healthz") {
    SimResponse response;
    response.body = "{\"status\":\"ok\"}";
    return response;
  }
  const ProtocolFamily* family = pick_family(request, path);
  if (!family)
    return plain_error(404, "no simulated endpoint at " + request.method + " " + std::string(path));
  const std::string_view allowed = family->methods(path);
  if (!method_allowed(allowed, request.method)) {
    SimResponse response = family->error(405, "Method " + request.method + " is not allowed here");
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
  }
  if (family->whole_run_faults && faults_.should_fail()) return family->error(500, {});
  HandlerContext context{json, services_, std::chrono::steady_clock::now(), unix_seconds()};
  return family->handle(request, context);
}

}  // namespace imagegen::sim
