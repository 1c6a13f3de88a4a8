#include "simulator/xai_handler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

constexpr std::array<std::string_view, 14> kRatios{"1:1",  "3:4", "4:3",    "9:16",   "16:9",
                                                   "2:3",  "3:2", "9:19.5", "19.5:9", "9:20",
                                                   "20:9", "1:2", "2:1",    "auto"};

// OpenAI's path too: the router picks between them by the body's model (OpenAI is listed first, so
// it answers requests that have no body to tell by).
std::string_view methods(std::string_view path) {
  return path == "/v1/images/generations" ? "POST" : "";
}

struct GrokRequest {
  std::string prompt;
  std::int64_t n = 1;
  bool b64 = false;
  Dimensions size;
};

std::optional<SimResponse> read_request(const std::string& text, GrokRequest& out) {
  JsonBody body;
  if (!body.parse(text))
    return xai_error(400, "Failed to deserialize the JSON body into the target type");
  const auto root = body.root();
  for (const char* unsupported : {"size", "quality", "style"}) {
    if (string_field(root, unsupported).present || int_field(root, unsupported).present) {
      return xai_error(400, std::string("Argument not supported: ") + unsupported);
    }
  }
  const auto model = string_field(root, "model").or_default("");
  if (model != "grok-imagine-image" && model != "grok-imagine-image-quality") {
    return xai_error(404, "The model " + std::string(model) +
                              " does not exist or your team does not have access to it.");
  }
  const auto prompt = string_field(root, "prompt");
  if (!prompt.ok() || prompt.value.empty())
    return xai_error(400, "prompt: must be a non-empty string");
  out.prompt = std::string(prompt.value);
  const auto n = int_field(root, "n");
  if (n.wrong_type || (n.ok() && (n.value < 1 || n.value > 10)))
    return xai_error(400, "n: must be between 1 and 10");
  out.n = n.or_default(1);
  const auto format = string_field(root, "response_format").or_default("url");
  if (format != "url" && format != "b64_json")
    return xai_error(400, "response_format: must be 'url' or 'b64_json'");
  out.b64 = format == "b64_json";
  std::string_view ratio = string_field(root, "aspect_ratio").or_default("auto");
  if (std::find(kRatios.begin(), kRatios.end(), ratio) == kRatios.end()) {
    return xai_error(400, "aspect_ratio: unsupported value '" + std::string(ratio) + "'");
  }
  const auto resolution = string_field(root, "resolution").or_default("1k");
  if (resolution != "1k" && resolution != "2k")
    return xai_error(400, "resolution: must be '1k' or '2k'");
  out.size = *ratio_dimensions(ratio == "auto" ? "1:1" : ratio, resolution == "2k" ? 2048 : 1024);
  return std::nullopt;
}

SimResponse generated(const SimRequest& request, const GrokRequest& grok, std::uint32_t count,
                      const Directives& directives, HandlerContext& context) {
  JsonWriter w;
  w.begin_object().field("created", context.unix_seconds).key("data").begin_array();
  for (std::uint32_t i = 0; i < count; ++i) {
    w.begin_object();
    if (grok.b64) {
      w.field("b64_json", inline_image(context, grok.size, directives)->base64);
    } else {
      w.field("url", file_url(request, publish_file(context, grok.size, directives)));
    }
    // Upstream sends JPEG; the simulator's bytes are PNG, so it says so.
    w.field("mime_type", "image/png").field("revised_prompt", "").end_object();
  }
  w.end_array().end_object();
  return json_reply(w.take());
}

SimResponse obey(const SimRequest& request, const GrokRequest& grok, const Directives& directives,
                 HandlerContext& context) {
  if (auto failure = directed_failure(directives, xai_family())) return std::move(*failure);
  if (directives.moderated != Moderation::kNone) {
    return xai_error(400, "Generated image rejected by content moderation.");
  }
  const std::uint32_t granted =
      partial_grant(directives, grok.prompt, static_cast<std::uint32_t>(grok.n), context);
  if (granted == 0) return partial_exhausted(xai_family());
  return generated(request, grok, granted, directives, context);
}

std::string_view status_code_text(int status) {
  switch (status) {
    case 400:
      return "Client specified an invalid argument";
    case 401:
      return "The request does not have valid authentication credentials for the operation";
    case 403:
      return "The caller does not have permission to execute the specified operation";
    case 404:
      return "Some requested entity was not found";
    case 429:
      return "Too many requests";
    case 503:
      return "The service is currently unavailable";
    default:
      return status < 500 ? "Client specified an invalid argument" : "Internal error";
  }
}

}  // namespace

SimResponse handle_xai(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) {
    return xai_error(
        401, "No API key provided. Add an Authorization header with Bearer authentication.");
  }
  GrokRequest grok;
  if (auto problem = read_request(request.body, grok)) return std::move(*problem);
  const Directives directives = parse_directives(grok.prompt);
  return with_directed_delay(obey(request, grok, directives, context), directives);
}

SimResponse xai_error(int status, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("code", status_code_text(status));
  w.field("error", message.empty() ? status_code_text(status) : message).end_object();
  return json_reply(w.take(), status);
}

const ProtocolFamily& xai_family() {
  static const ProtocolFamily family{"xai", &methods, &handle_xai, &xai_error};
  return family;
}

}  // namespace imagegen::sim
