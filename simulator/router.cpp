#include "simulator/router.h"

#include <chrono>
#include <string>

#include "simulator/gemini_handler.h"
#include "simulator/json_text.h"
#include "simulator/openai_handler.h"

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

}  // namespace

const std::vector<const ProtocolFamily*>& all_families() {
  // A new family: its file pair plus one entry here.
  static const std::vector<const ProtocolFamily*> families{&gemini_family(), &openai_family()};
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
  for (const ProtocolFamily* family : all_families()) {
    if (!family->matches(path)) continue;
    if (request.method != family->method) {
      SimResponse response = family->error(405, "Method " + request.method + " is not allowed here");
      response.headers.emplace_back("Allow", std::string(family->method));
      return response;
    }
    if (faults_.should_fail()) return family->error(500, {});
    HandlerContext context{json, services_, std::chrono::steady_clock::now(),
                           std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count()};
    return family->handle(request, context);
  }
  return plain_error(404, "no simulated endpoint at " + request.method + " " + std::string(path));
}

}  // namespace imagegen::sim
