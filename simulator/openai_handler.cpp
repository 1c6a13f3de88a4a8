#include "simulator/openai_handler.h"

#include <initializer_list>
#include <optional>
#include <string>

#include "common/json_writer.h"
#include "common/padded_json.h"
#include "simulator/directed_outcome.h"
#include "simulator/directives.h"
#include "simulator/family_common.h"
#include "simulator/image_sizes.h"
#include "simulator/openai_request.h"

namespace imagegen::sim {
namespace {

using openai::OpenAIBody;
using openai::OpenAIError;
using openai::render;

constexpr std::string_view kPath = "/v1/images/generations";

std::string_view effective_quality(std::string_view quality) {
  return quality.empty() || quality == "auto" ? "medium" : quality;
}

// Output tokens per image as OpenAI bills gpt-image-1 (square / non-square by quality).
std::uint32_t image_tokens(std::string_view quality, Dimensions size) {
  const bool square = size.width == size.height;
  if (quality == "low") return square ? 272 : 408;
  if (quality == "high") return square ? 4160 : 6240;
  return square ? 1056 : 1584;
}

SimResponse moderation_blocked() {
  return render(OpenAIError{
      400,
      "Your request was rejected by the safety system. If you believe this is an error, contact "
      "us at help.openai.com and include the request ID if you have one.",
      "image_generation_user_error", "", "moderation_blocked"});
}

SimResponse generated(const OpenAIBody& body, std::uint32_t count, const EncodedImage& image,
                      Dimensions size, std::int64_t created) {
  const std::string_view quality = effective_quality(body.quality);
  const std::uint32_t input_tokens = static_cast<std::uint32_t>(body.prompt->size() / 4 + 1);
  const std::uint32_t output_tokens = image_tokens(quality, size) * count;

  SimResponse response;
  std::string& b = response.body;
  b.reserve(count * (image.base64.size() + 16) + 512);
  b += "{\"created\":" + std::to_string(created) + ",\"data\":[";
  for (std::uint32_t i = 0; i < count; ++i) {
    b += i == 0 ? "{\"b64_json\":\"" : ",{\"b64_json\":\"";
    b += image.base64;
    b += "\"}";
  }
  // The simulator always returns PNG bytes, so it says png whatever format was asked for.
  b += "],\"background\":\"";
  b += body.background == "transparent" ? "transparent" : "opaque";
  b += "\",\"output_format\":\"png\",\"quality\":\"";
  b += quality;
  b += "\",\"size\":\"" + std::to_string(size.width) + "x" + std::to_string(size.height);
  b += "\",\"usage\":{\"input_tokens\":" + std::to_string(input_tokens) +
       ",\"input_tokens_details\":{\"image_tokens\":0,\"text_tokens\":" +
       std::to_string(input_tokens) + "},\"output_tokens\":" + std::to_string(output_tokens) +
       ",\"total_tokens\":" + std::to_string(input_tokens + output_tokens) + "}}";
  return response;
}

// Everything after the request has been read and validated.
SimResponse obey(const OpenAIBody& body, const Directives& directives, HandlerContext& context) {
  if (auto failure = directed_failure(directives, openai_family())) return std::move(*failure);
  if (directives.moderated != Moderation::kNone) return moderation_blocked();

  const auto wanted = static_cast<std::uint32_t>(body.n);
  const std::uint32_t granted = partial_grant(directives, *body.prompt, wanted, context);
  if (granted == 0) return partial_exhausted(openai_family());

  const Dimensions size = *openai_dimensions(body.size);
  const auto image = directives.garbage ? ImageCache::garbage()
                                        : context.services.images.png(size.width, size.height);
  return generated(body, granted, *image, size, context.unix_seconds);
}

// OpenAI's usual answer for a status: its message, type and code.
struct StatusText {
  int status;
  std::string_view message, type, code;
};

constexpr StatusText kStatusTexts[] = {
    {400, "Invalid request.", "invalid_request_error", ""},
    {401,
     "You didn't provide an API key. You need to provide your API key in an Authorization header "
     "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
     "invalid_request_error", "invalid_api_key"},
    {403, "Country, region, or territory not supported", "request_forbidden",
     "unsupported_country_region_territory"},
    {404, "The requested resource was not found.", "invalid_request_error", ""},
    {429,
     "Rate limit reached for gpt-image-1 in organization org-simulator on images per minute "
     "(IPM): Limit 5, Used 5, Requested 1. Please try again in 12s. Visit "
     "https://platform.openai.com/account/rate-limits to learn more.",
     "requests", "rate_limit_exceeded"},
    {500, "The server had an error while processing your request. Sorry about that!",
     "server_error", ""},
    {503, "The engine is currently overloaded, please try again later", "server_error", ""},
};

OpenAIError status_default(int status) {
  for (const StatusText& t : kStatusTexts) {
    if (t.status == status) {
      return {status, std::string(t.message), std::string(t.type), "", std::string(t.code)};
    }
  }
  return status < 500 ? OpenAIError{status, "Invalid request.", "invalid_request_error", "", ""}
                      : OpenAIError{status, "The server had an error processing your request.",
                                    "server_error", "", ""};
}

std::string_view methods(std::string_view path) { return is_openai_path(path) ? "POST" : ""; }

}  // namespace

bool is_openai_path(std::string_view path) { return path == kPath; }

SimResponse handle_openai(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) return openai_error(401, {});

  OpenAIBody body;
  if (auto error = openai::read_body(request.body, context.json, body)) return render(*error);
  if (auto error = openai::validate(body)) return render(*error);

  const Directives directives = parse_directives(*body.prompt);
  return with_directed_delay(obey(body, directives, context), directives);
}

SimResponse openai_error(int status, std::string_view message) {
  OpenAIError error = status_default(status);
  error.status = status;
  if (!message.empty()) error.message = std::string(message);
  SimResponse response = render(error);
  if (status == 429) {
    response.headers = {
        {"x-ratelimit-limit-requests", "5"},   {"x-ratelimit-remaining-requests", "0"},
        {"x-ratelimit-reset-requests", "12s"}, {"x-ratelimit-limit-tokens", "100000"},
        {"x-ratelimit-remaining-tokens", "0"}, {"x-ratelimit-reset-tokens", "12s"}};
  }
  return response;
}

const ProtocolFamily& openai_family() {
  static const ProtocolFamily family{"openai", &methods, &handle_openai, &openai_error};
  return family;
}

}  // namespace imagegen::sim
