#include "simulator/byteplus_handler.h"

#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPath = "/api/v3/images/generations";
constexpr std::uint64_t kMaxPixels = 16'777'216;

std::string_view methods(std::string_view path) { return path == kPath ? "POST" : ""; }

SimResponse ark_error(int status, std::string_view code, std::string_view message,
                      std::string_view type, std::string_view param = {}) {
  JsonWriter w;
  w.begin_object().key("error").begin_object().field("code", code).field("message", message);
  if (!param.empty()) w.field("param", param);
  w.field("type", type).end_object().end_object();
  return json_reply(w.take(), status);
}

SimResponse invalid(std::string_view message, std::string_view param) {
  return ark_error(400, "InvalidParameter", message, "BadRequest", param);
}

struct SeedreamRequest {
  std::string model;
  std::string prompt;
  Dimensions size{2048, 2048};
  std::uint32_t images = 1;
  bool b64 = false;
  bool watermark = true;
};

std::optional<SimResponse> read_size(std::string_view size, bool is_4_5, SeedreamRequest& out) {
  if (size == "1K" || size == "2K" || size == "4K") {
    if (is_4_5 && size == "1K") {
      return invalid(
          "The parameter `size` specified in the request is not valid: 1K is not supported by this "
          "model",
          "size");
    }
    const std::uint32_t side = size == "1K" ? 1024 : size == "2K" ? 2048 : 4096;
    out.size = {side, side};
    return std::nullopt;
  }
  const auto pixels = parse_pixel_size(size, 'x');
  if (!pixels) return invalid("The parameter `size` specified in the request is not valid", "size");
  const std::uint64_t area = std::uint64_t{pixels->width} * pixels->height;
  const std::uint64_t minimum = is_4_5 ? 3'686'400 : 921'600;
  const bool ratio_ok =
      pixels->width <= 16ull * pixels->height && pixels->height <= 16ull * pixels->width;
  if (area < minimum || area > kMaxPixels || !ratio_ok) {
    return invalid(
        "The parameter `size` specified in the request is not valid: total pixels must be "
        "between " +
            std::to_string(minimum) + " and " + std::to_string(kMaxPixels) +
            " and the aspect ratio within [1/16, 16]",
        "size");
  }
  out.size = *pixels;
  return std::nullopt;
}

std::optional<SimResponse> read_request(const std::string& text, SeedreamRequest& out) {
  JsonBody body;
  if (!body.parse(text)) return invalid("The request body is not valid JSON", "");
  const auto root = body.root();
  out.model = std::string(string_field(root, "model").or_default(""));
  std::string_view model = out.model;
  if (model.starts_with("doubao-")) model.remove_prefix(7);
  if (model != "seedream-4-5-251128" && model != "seedream-4-0-250828") {
    return ark_error(
        404, "InvalidEndpointOrModel.NotFound",
        "The model or endpoint " + out.model + " does not exist or you do not have access to it.",
        "NotFound");
  }
  const auto prompt = string_field(root, "prompt");
  if (!prompt.ok() || prompt.value.empty())
    return invalid("The parameter `prompt` is required", "prompt");
  out.prompt = std::string(prompt.value);
  if (const auto size = string_field(root, "size"); size.ok()) {
    if (auto problem = read_size(size.value, model.starts_with("seedream-4-5"), out))
      return problem;
  }
  const auto format = string_field(root, "response_format").or_default("url");
  if (format != "url" && format != "b64_json")
    return invalid("response_format must be url or b64_json", "response_format");
  out.b64 = format == "b64_json";
  out.watermark = bool_field(root, "watermark").or_default(true);
  if (bool_field(root, "stream").or_default(false)) {
    return invalid("stream=true (SSE) is not simulated; send stream=false", "stream");
  }
  if (string_field(root, "sequential_image_generation").or_default("disabled") == "auto") {
    std::int64_t max_images = 15;
    if (const auto options = object_field(root, "sequential_image_generation_options");
        options.ok()) {
      max_images = int_field(options.value, "max_images").or_default(15);
    }
    if (max_images < 1 || max_images > 15)
      return invalid("max_images must be between 1 and 15", "max_images");
    out.images = static_cast<std::uint32_t>(max_images);
  }
  return std::nullopt;
}

// Upstream answers JPEG; the simulator serves PNG bytes, which a gateway that reads the real
// format (as it must) handles the same way.
SimResponse generated(const SimRequest& request, const SeedreamRequest& seedream,
                      std::uint32_t count, const Directives& directives, HandlerContext& context) {
  const std::string size_text =
      std::to_string(seedream.size.width) + "x" + std::to_string(seedream.size.height);
  const std::int64_t tokens =
      std::int64_t{seedream.size.width} * seedream.size.height / 256 * count;
  JsonWriter w;
  w.begin_object().field("model", seedream.model).field("created", context.unix_seconds);
  w.key("data").begin_array();
  for (std::uint32_t i = 0; i < count; ++i) {
    w.begin_object();
    if (seedream.b64) {
      w.field("b64_json", inline_image(context, seedream.size, directives)->base64);
    } else {
      w.field("url", file_url(request, publish_file(context, seedream.size, directives)));
    }
    w.field("size", size_text).end_object();
  }
  w.end_array().key("usage").begin_object().field("generated_images", count);
  w.field("output_tokens", tokens).field("total_tokens", tokens).end_object().end_object();
  SimResponse response = json_reply(w.take());
  if (seedream.watermark) response.headers.emplace_back("x-sim-watermarked", "true");
  return response;
}

SimResponse obey(const SimRequest& request, const SeedreamRequest& seedream,
                 const Directives& directives, HandlerContext& context) {
  if (auto failure = directed_failure(directives, byteplus_family())) return std::move(*failure);
  if (directives.moderated == Moderation::kPrompt) {
    return ark_error(400, "InputTextSensitiveContentDetected",
                     "The request failed because the input text may contain sensitive information.",
                     "BadRequest");
  }
  if (directives.moderated == Moderation::kOutput) {
    return ark_error(
        400, "OutputImageSensitiveContentDetected",
        "The request failed because the output image may contain sensitive information.",
        "BadRequest");
  }
  const std::uint32_t granted =
      partial_grant(directives, seedream.prompt, seedream.images, context);
  if (granted == 0) return partial_exhausted(byteplus_family());
  return generated(request, seedream, granted, directives, context);
}

}  // namespace

SimResponse handle_byteplus(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) {
    return ark_error(401, "AuthenticationError",
                     "The API key in the request is missing or invalid.", "Unauthorized");
  }
  SeedreamRequest seedream;
  if (auto problem = read_request(request.body, seedream)) return std::move(*problem);
  const Directives directives = parse_directives(seedream.prompt);
  return with_directed_delay(obey(request, seedream, directives, context), directives);
}

SimResponse byteplus_error(int status, std::string_view message) {
  switch (status) {
    case 400:
      return ark_error(400, "InvalidParameter", message.empty() ? "Invalid request." : message,
                       "BadRequest");
    case 401:
      return ark_error(401, "AuthenticationError", message.empty() ? "Unauthorized." : message,
                       "Unauthorized");
    case 429:
      return ark_error(
          429, "RateLimitExceeded.EndpointIPMExceeded",
          message.empty() ? "Your request has exceeded the images-per-minute limit." : message,
          "TooManyRequests");
    default:
      return status < 500 ? ark_error(status, "InvalidRequest",
                                      message.empty() ? "Request refused." : message, "BadRequest")
                          : ark_error(status, "InternalServiceError",
                                      message.empty()
                                          ? "The service encountered an unexpected internal error."
                                          : message,
                                      "InternalServerError");
  }
}

const ProtocolFamily& byteplus_family() {
  static const ProtocolFamily family{"byteplus", &methods, &handle_byteplus, &byteplus_error};
  return family;
}

}  // namespace imagegen::sim
