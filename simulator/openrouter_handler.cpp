#include "simulator/openrouter_handler.h"

#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"
#include "simulator/sim_ids.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPath = "/api/v1/chat/completions";

std::string_view methods(std::string_view path) { return path == kPath ? "POST" : ""; }

struct RiverflowRequest {
  std::string model;
  std::string prompt;
  std::string aspect_ratio;
  std::string image_size;
};

// The text of the last user message: a string, or the `text` parts of a content array.
std::string user_text(simdjson::dom::array messages) {
  std::string text;
  for (simdjson::dom::element message : messages) {
    simdjson::dom::object object;
    if (message.get_object().get(object)) continue;
    if (string_field(object, "role").or_default("") != "user") continue;
    text.clear();
    if (const auto content = string_field(object, "content"); content.ok()) {
      text = std::string(content.value);
      continue;
    }
    const auto parts = array_field(object, "content");
    if (!parts.ok()) continue;
    for (simdjson::dom::element part : parts.value) {
      simdjson::dom::object part_object;
      if (part.get_object().get(part_object)) continue;
      if (const auto t = string_field(part_object, "text"); t.ok()) text += t.value;
    }
  }
  return text;
}

bool wants_image(simdjson::dom::array modalities) {
  for (simdjson::dom::element m : modalities) {
    std::string_view value;
    if (m.get(value) == simdjson::SUCCESS && value == "image") return true;
  }
  return false;
}

std::optional<SimResponse> read_request(const std::string& text, RiverflowRequest& out) {
  JsonBody body;
  if (!body.parse(text)) return openrouter_error(400, "Invalid JSON in request body");
  const auto root = body.root();
  out.model = std::string(string_field(root, "model").or_default(""));
  if (out.model != "sourceful/riverflow-v2-pro" && out.model != "sourceful/riverflow-v2-fast") {
    return openrouter_error(400, out.model + " is not a valid model ID");
  }
  const auto messages = array_field(root, "messages");
  if (!messages.ok())
    return openrouter_error(400, "Input required: specify \"prompt\" or \"messages\"");
  out.prompt = user_text(messages.value);
  if (out.prompt.empty()) return openrouter_error(400, "No user message with text content");
  const auto modalities = array_field(root, "modalities");
  if (!modalities.ok() || !wants_image(modalities.value)) {
    return openrouter_error(
        404, "No endpoints found that support the requested output modalities: text");
  }
  if (const auto config = object_field(root, "image_config"); config.ok()) {
    out.aspect_ratio = std::string(string_field(config.value, "aspect_ratio").or_default(""));
    out.image_size = std::string(string_field(config.value, "image_size").or_default(""));
  }
  if (out.aspect_ratio == "auto") out.aspect_ratio.clear();
  return std::nullopt;
}

double cost_of(const RiverflowRequest& request) {
  const bool fast = request.model.ends_with("fast");
  if (request.image_size == "4K") return 0.33;
  if (fast) return request.image_size == "2K" ? 0.04 : 0.02;
  return 0.15;
}

SimResponse moderated(const RiverflowRequest& request) {
  JsonWriter w;
  w.begin_object().key("error").begin_object().field("code", 403);
  w.field(
      "message",
      request.model +
          " requires moderation on Sourceful. Your input was flagged for \"violence\". No credits "
          "were charged.");
  w.key("metadata").begin_object().key("reasons").begin_array().value("violence").end_array();
  w.field("flagged_input", std::string_view(request.prompt).substr(0, 100));
  w.field("provider_name", "Sourceful").field("model_slug", request.model).end_object();
  w.end_object().end_object();
  return json_reply(w.take(), 403);
}

SimResponse generated(const RiverflowRequest& request, const EncodedImage& image,
                      std::int64_t created) {
  const auto prompt_tokens = static_cast<std::int64_t>(request.prompt.size() / 4 + 1);
  JsonWriter w;
  w.begin_object()
      .field("id", "gen-" + new_token())
      .field("provider", "Sourceful")
      .field("model", request.model);
  w.field("object", "chat.completion").field("created", created);
  w.key("choices")
      .begin_array()
      .begin_object()
      .key("logprobs")
      .null()
      .field("finish_reason", "stop");
  w.field("native_finish_reason", "stop").field("index", 0);
  w.key("message")
      .begin_object()
      .field("role", "assistant")
      .field("content", "")
      .key("refusal")
      .null();
  w.key("images")
      .begin_array()
      .begin_object()
      .field("type", "image_url")
      .key("image_url")
      .begin_object();
  std::string url = "data:image/png;base64,";
  url += image.base64;
  w.field("url", url).end_object().end_object().end_array();
  w.end_object().end_object().end_array();
  w.key("usage").begin_object().field("prompt_tokens", prompt_tokens).field("completion_tokens", 0);
  w.field("total_tokens", prompt_tokens).key("cost").value(cost_of(request)).end_object();
  w.end_object();
  return json_reply(w.take());
}

SimResponse obey(const RiverflowRequest& request, const Directives& directives,
                 HandlerContext& context) {
  if (auto failure = directed_failure(directives, openrouter_family())) return std::move(*failure);
  const bool fast = request.model.ends_with("fast");
  const auto size = gemini_dimensions(request.aspect_ratio, request.image_size);
  if (!size || (fast && request.image_size == "4K")) {
    return openrouter_error(
        400, "Provider returned error: unsupported image_config (aspect_ratio '" +
                 request.aspect_ratio + "', image_size '" + request.image_size + "')");
  }
  if (directives.moderated != Moderation::kNone) return moderated(request);
  if (partial_grant(directives, request.prompt, 1, context) == 0)
    return partial_exhausted(openrouter_family());
  return generated(request, *inline_image(context, *size, directives), context.unix_seconds);
}

std::string_view default_message(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "No auth credentials found";
    case 402:
      return "Insufficient credits. Add more using https://openrouter.ai/settings/credits";
    case 403:
      return "Forbidden";
    case 408:
      return "Request timed out";
    case 429:
      return "Rate limit exceeded: free-models-per-min. ";
    case 502:
      return "Provider returned error";
    case 503:
      return "No available provider could serve the request";
    default:
      return status < 500 ? "Request failed" : "Internal Server Error";
  }
}

}  // namespace

SimResponse handle_openrouter(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) return openrouter_error(401, {});
  RiverflowRequest riverflow;
  if (auto problem = read_request(request.body, riverflow)) return std::move(*problem);
  const Directives directives = parse_directives(riverflow.prompt);
  return with_directed_delay(obey(riverflow, directives, context), directives);
}

SimResponse openrouter_error(int status, std::string_view message) {
  JsonWriter w;
  w.begin_object().key("error").begin_object().field("code", status);
  w.field("message", message.empty() ? default_message(status) : message);
  if (status == 429 || status >= 500) {
    w.key("metadata").begin_object().field("provider_name", "Sourceful").end_object();
  }
  w.end_object().end_object();
  return json_reply(w.take(), status);
}

const ProtocolFamily& openrouter_family() {
  static const ProtocolFamily family{"sourceful", &methods, &handle_openrouter, &openrouter_error};
  return family;
}

}  // namespace imagegen::sim
