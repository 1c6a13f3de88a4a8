#include "simulator/openai_request.h"

#include <initializer_list>
#include <utility>

#include "common/json_writer.h"
#include "common/padded_json.h"
#include "simulator/image_sizes.h"

namespace imagegen::sim::openai {

constexpr std::size_t kMaxPromptChars = 32'000;
constexpr std::int64_t kMaxImages = 10;

namespace {
// A JSON string, or null when `text` is empty.
void append_json_string_or_null(std::string& out, std::string_view text) {
  if (text.empty())
    out += "null";
  else
    append_json_string(out, text);
}
}  // namespace

SimResponse render(const OpenAIError& error) {
  SimResponse response;
  response.status = error.status;
  std::string& b = response.body;
  b = "{\"error\":{\"message\":";
  append_json_string(b, error.message);
  b += ",\"type\":";
  append_json_string(b, error.type);
  b += ",\"param\":";
  append_json_string_or_null(b, error.param);
  b += ",\"code\":";
  append_json_string_or_null(b, error.code);
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

namespace {

std::string_view type_name(simdjson::ondemand::json_type t) {
  using simdjson::ondemand::json_type;
  static constexpr std::pair<json_type, std::string_view> kNames[] = {
      {json_type::array, "an array"},    {json_type::object, "an object"},
      {json_type::number, "a number"},   {json_type::string, "a string"},
      {json_type::boolean, "a boolean"}, {json_type::null, "null"}};
  for (const auto& [type, name] : kNames) {
    if (type == t) return name;
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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace imagegen::sim::openai
