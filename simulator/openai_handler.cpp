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

namespace imagegen::sim {
namespace {

constexpr std::string_view kPath = "/v1/images/generations";
constexpr std::size_t kMaxPromptChars = 32'000;
constexpr std::int64_t kMaxImages = 10;

// One OpenAI error: `param` and `code` are JSON null when empty.
struct OpenAIError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;
  std::string code;
};

SimResponse render(const OpenAIError& error) {
  SimResponse response;
  response.status = error.status;
  std::string& b = response.body;
  b = "{\"error\":{\"message\":";
  append_json_string(b, error.message);
  b += ",\"type\":";
  append_json_string(b, error.type);
  b += ",\"param\":";
  if (error.param.empty())
    b += "null";
  else
    append_json_string(b, error.param);
  b += ",\"code\":";
  if (error.code.empty())
    b += "null";
  else
    append_json_string(b, error.code);
  b += "}}";
  return response;
}

OpenAIError invalid(std::string message, std::string param, std::string code) {
  return OpenAIError{400, std::move(message), "invalid_request_error", std::move(param),
                     std::move(code)};
}

OpenAIError invalid_value(std::string_view value, std::string_view param,
                          std::string_view supported) {
  return invalid("Invalid value: '" + std::string(value) +
                     "'. Supported values are: " + std::string(supported) + ".",
                 std::string(param), "invalid_value");
}

// What the simulator reads from an images/generations body; other fields are ignored.
struct OpenAIBody {
  std::optional<std::string> model;
  std::optional<std::string> prompt;
  std::int64_t n = 1;
  std::string size;           // empty = auto
  std::string quality;        // empty = auto
  std::string output_format;  // empty = png
  std::string background;     // empty = auto
  bool response_format = false;
};

std::string_view type_name(simdjson::ondemand::json_type t) {
  switch (t) {
    case simdjson::ondemand::json_type::array:
      return "an array";
    case simdjson::ondemand::json_type::object:
      return "an object";
    case simdjson::ondemand::json_type::number:
      return "a number";
    case simdjson::ondemand::json_type::string:
      return "a string";
    case simdjson::ondemand::json_type::boolean:
      return "a boolean";
    case simdjson::ondemand::json_type::null:
      return "null";
  }
  return "something else";
}

OpenAIError wrong_type(std::string_view param, std::string_view expected, std::string_view got) {
  return invalid("Invalid type for '" + std::string(param) + "': expected " +
                     std::string(expected) + ", but got " + std::string(got) + " instead.",
                 std::string(param), "invalid_type");
}

OpenAIError unparseable() {
  return OpenAIError{400,
                     "We could not parse the JSON body of your request. (HINT: This likely means "
                     "you aren't using your "
                     "HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                     "sent was not valid "
                     "JSON. If you have trouble figuring out how to fix this, please contact us "
                     "through our help center "
                     "at help.openai.com.)",
                     "invalid_request_error", "", ""};
}

// The outcome of reading one field: a syntax error (abandon the document), a type problem
// reported to the client, or fine.
struct FieldRead {
  simdjson::error_code syntax = simdjson::SUCCESS;
  std::optional<OpenAIError> problem;
};

FieldRead read_string(simdjson::ondemand::value value, std::string_view param,
                      std::optional<std::string>& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return {e, {}};
  if (type == simdjson::ondemand::json_type::null) return {};  // null means "use the default"
  if (type != simdjson::ondemand::json_type::string)
    return {simdjson::SUCCESS, wrong_type(param, "a string", type_name(type))};
  std::string_view text;
  if (auto e = value.get_string().get(text)) return {e, {}};
  out = std::string(text);
  return {};
}

FieldRead read_string(simdjson::ondemand::value value, std::string_view param, std::string& out) {
  std::optional<std::string> text;
  FieldRead read = read_string(value, param, text);
  if (text) out = std::move(*text);
  return read;
}

FieldRead read_count(simdjson::ondemand::value value, std::int64_t& out) {
  simdjson::ondemand::json_type type;
  if (auto e = value.type().get(type)) return {e, {}};
  if (type == simdjson::ondemand::json_type::null) return {};
  if (type != simdjson::ondemand::json_type::number)
    return {simdjson::SUCCESS, wrong_type("n", "an integer", type_name(type))};
  const auto e = value.get_int64().get(out);
  if (e == simdjson::INCORRECT_TYPE || e == simdjson::NUMBER_OUT_OF_RANGE) {
    return {simdjson::SUCCESS, wrong_type("n", "an integer", "a decimal number")};
  }
  return {e, {}};
}

FieldRead read_field(std::string_view key, simdjson::ondemand::value value, OpenAIBody& out) {
  if (key == "model") return read_string(value, key, out.model);
  if (key == "prompt") return read_string(value, key, out.prompt);
  if (key == "n") return read_count(value, out.n);
  if (key == "size") return read_string(value, key, out.size);
  if (key == "quality") return read_string(value, key, out.quality);
  if (key == "output_format") return read_string(value, key, out.output_format);
  if (key == "background") return read_string(value, key, out.background);
  if (key == "response_format") {
    simdjson::ondemand::json_type type;
    if (auto e = value.type().get(type)) return {e, {}};
    out.response_format = type != simdjson::ondemand::json_type::null;
  }
  return {};
}

// Reads the body; nullopt when it was read, otherwise the error to answer with.
std::optional<OpenAIError> read_body(const std::string& body, simdjson::ondemand::parser& parser,
                                     OpenAIBody& out) {
  simdjson::padded_string scratch;
  simdjson::ondemand::document doc;
  if (parser.iterate(padded_body(body, scratch)).get(doc)) return unparseable();
  simdjson::ondemand::json_type root_type;
  if (doc.type().get(root_type)) return unparseable();
  // ondemand types a scalar by its first byte ("nope" looks like null), so only an array is
  // certainly well-formed enough to be called the wrong type; any other root is unparseable.
  if (root_type != simdjson::ondemand::json_type::object &&
      root_type != simdjson::ondemand::json_type::array) {
    return unparseable();
  }
  if (root_type == simdjson::ondemand::json_type::array) {
    return invalid("Invalid type for request body: expected an object, but got " +
                       std::string(type_name(root_type)) + " instead.",
                   "", "invalid_type");
  }
  simdjson::ondemand::object root;
  if (doc.get_object().get(root)) return unparseable();
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return unparseable();
    simdjson::ondemand::value value;
    if (field.value().get(value)) return unparseable();
    FieldRead read = read_field(key, value, out);
    if (read.syntax) return unparseable();
    if (read.problem) return std::move(read.problem);  // abandon the document here too
  }
  return std::nullopt;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  return n;
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (const auto a : allowed) {
    if (value == a) return true;
  }
  return false;
}

// The checks OpenAI makes before generating, in the order a client most likely trips them.
std::optional<OpenAIError> validate(const OpenAIBody& body) {
  if (!body.prompt)
    return invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
  if (!body.model)
    return invalid("Missing required parameter: 'model'.", "model", "missing_required_parameter");
  if (!body.model->starts_with("gpt-image-")) {
    return invalid_value(*body.model, "model",
                         "'gpt-image-1', 'gpt-image-1-mini' and 'gpt-image-1.5'");
  }
  if (body.prompt->empty()) {
    return invalid(
        "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty "
        "string "
        "instead.",
        "prompt", "empty_string");
  }
  if (const auto length = utf8_length(*body.prompt); length > kMaxPromptChars) {
    return invalid(
        "Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a "
        "string "
        "with length " +
            std::to_string(length) + " instead.",
        "prompt", "string_above_max_length");
  }
  if (body.n < 1) {
    return invalid("Invalid 'n': integer below minimum value. Expected a value >= 1, but got " +
                       std::to_string(body.n) + " instead.",
                   "n", "integer_below_min_value");
  }
  if (body.n > kMaxImages) {
    return invalid("Invalid 'n': integer above maximum value. Expected a value <= 10, but got " +
                       std::to_string(body.n) + " instead.",
                   "n", "integer_above_max_value");
  }
  if (!openai_dimensions(body.size)) {
    return invalid_value(body.size, "size", "'1024x1024', '1024x1536', '1536x1024', and 'auto'");
  }
  if (!body.quality.empty() && !one_of(body.quality, {"low", "medium", "high", "auto"})) {
    return invalid_value(body.quality, "quality", "'low', 'medium', 'high', and 'auto'");
  }
  if (!body.output_format.empty() && !one_of(body.output_format, {"png", "jpeg", "webp"})) {
    return invalid_value(body.output_format, "output_format", "'png', 'jpeg', and 'webp'");
  }
  if (!body.background.empty() && !one_of(body.background, {"transparent", "opaque", "auto"})) {
    return invalid_value(body.background, "background", "'transparent', 'opaque', and 'auto'");
  }
  if (body.response_format) {
    return invalid("Unknown parameter: 'response_format'.", "response_format", "unknown_parameter");
  }
  return std::nullopt;
}

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

OpenAIError status_default(int status) {
  switch (status) {
    case 400:
      return {400, "Invalid request.", "invalid_request_error", "", ""};
    case 401:
      return {401,
              "You didn't provide an API key. You need to provide your API key in an Authorization "
              "header using "
              "Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
              "invalid_request_error", "", "invalid_api_key"};
    case 403:
      return {403, "Country, region, or territory not supported", "request_forbidden", "",
              "unsupported_country_region_territory"};
    case 404:
      return {404, "The requested resource was not found.", "invalid_request_error", "", ""};
    case 429:
      return {429,
              "Rate limit reached for gpt-image-1 in organization org-simulator on images per "
              "minute (IPM): Limit 5, "
              "Used 5, Requested 1. Please try again in 12s. Visit "
              "https://platform.openai.com/account/rate-limits to "
              "learn more.",
              "requests", "", "rate_limit_exceeded"};
    case 500:
      return {500, "The server had an error while processing your request. Sorry about that!",
              "server_error", "", ""};
    case 503:
      return {503, "The engine is currently overloaded, please try again later", "server_error", "",
              ""};
    default:
      return status < 500 ? OpenAIError{status, "Invalid request.", "invalid_request_error", "", ""}
                          : OpenAIError{status, "The server had an error processing your request.",
                                        "server_error", "", ""};
  }
}

std::string_view methods(std::string_view path) { return is_openai_path(path) ? "POST" : ""; }

}  // namespace

const ProtocolFamily& openai_family() {
  static const ProtocolFamily family{"openai", &methods, &handle_openai, &openai_error};
  return family;
}

bool is_openai_path(std::string_view path) { return path == kPath; }

SimResponse handle_openai(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) return openai_error(401, {});

  OpenAIBody body;
  if (auto error = read_body(request.body, context.json, body)) return render(*error);
  if (auto error = validate(body)) return render(*error);

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

}  // namespace imagegen::sim
