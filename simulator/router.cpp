#include "simulator/router.h"

#include <chrono>
#include <string>

#include "simulator/bfl_handler.h"
#include "simulator/byteplus_handler.h"
#include "simulator/dashscope_handler.h"
#include "simulator/files_handler.h"
#include "simulator/gemini_handler.h"
#include "simulator/json_fields.h"
#include "simulator/kling_handler.h"
#include "simulator/json_text.h"
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
  if (path == "/v1/images/generations" && request.method == "POST") return &images_generations_family(request.body);
  for (const ProtocolFamily* family : all_families()) {
    if (!family->methods(path).empty()) return family;
  }
  return nullptr;
}

}  // namespace

const std::vector<const ProtocolFamily*>& all_families() {
  // A new family: its file pair plus one entry here.
  static const std::vector<const ProtocolFamily*> families{
      &gemini_family(), &openai_family(), &bfl_family(), &openrouter_family(), &xai_family(),
      &byteplus_family(), &dashscope_family(), &runway_family(), &kling_family(),
      &midjourney_family(), &storage_family(), &files_family()};
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
  if (!family) return plain_error(404, "no simulated endpoint at " + request.method + " " + std::string(path));
  const std::string_view allowed = family->methods(path);
  if (!method_allowed(allowed, request.method)) {
    SimResponse response = family->error(405, "Method " + request.method + " is not allowed here");
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
  }
  if (family->whole_run_faults && faults_.should_fail()) return family->error(500, {});
  HandlerContext context{json, services_, std::chrono::steady_clock::now(),
                         std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count()};
  return family->handle(request, context);
}

}  // namespace imagegen::sim
