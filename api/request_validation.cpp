#include "api/request_validation.h"

#include <simdjson.h>

#include <algorithm>

#include "common/webhook_target.h"

namespace imagegen::api {

namespace {
using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::string_view kDefaultModel = "nano-banana";

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// Looks up an optional field; a missing field and JSON null both mean "use the default".
std::optional<element> optional_field(simdjson::dom::object obj, std::string_view name) {
  element e;
  if (obj[name].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  return e;
}

RequestError invalid_field(std::string_view field, std::string message,
                           std::vector<std::string> allowed = {}) {
  return RequestError{RequestError::Kind::kInvalidField, std::string(field), std::move(message),
                      std::move(allowed)};
}

std::vector<std::string> as_strings(const std::vector<std::string_view>& v) {
  return std::vector<std::string>(v.begin(), v.end());
}

RequestError type_error(std::string_view field, std::string_view expected) {
  return invalid_field(
      field, "Invalid type for '" + std::string(field) + "': expected " + std::string(expected));
}

// Reads a JSON integer (never a float) into [min, max].
std::variant<std::int64_t, RequestError> integer_field(element e, std::string_view field,
                                                       std::int64_t min, std::int64_t max) {
  std::int64_t v = 0;
  if (e.type() == element_type::INT64) {
    v = e.get_int64().value_unsafe();
  } else if (e.type() == element_type::UINT64) {
    v = INT64_MAX;  // far out of every range we accept
  } else {
    return type_error(field, "an integer");
  }
  if (v < min || v > max) {
    return invalid_field(field, "Invalid value for '" + std::string(field) +
                                    "': must be an integer from " + std::to_string(min) + " to " +
                                    std::to_string(max));
  }
  return v;
}

std::variant<std::string_view, RequestError> string_field(element e, std::string_view field) {
  std::string_view s;
  if (e.get_string().get(s)) return type_error(field, "a string");
  return s;
}

std::optional<RequestError> enum_value(std::string_view field, std::string_view value,
                                       const std::vector<std::string_view>& allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return std::nullopt;
  return invalid_field(
      field, "Invalid value for '" + std::string(field) + "': '" + std::string(value) + "'",
      as_strings(allowed));
}
}  // namespace

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::variant<GenerateRequest, RequestError> validate_generate_request(
    const std::string& body, const Catalog& catalog, const ValidationLimits& limits) {
  // The DOM parser validates the whole document (UTF-8 included) and refuses trailing content,
  // which ondemand would only notice late. One parser per thread reuses its buffers.
  thread_local simdjson::dom::parser parser;
  element root;
  bool padded = body.capacity() >= body.size() + simdjson::SIMDJSON_PADDING;
  if (parser.parse(body.data(), body.size(), !padded).get(root) != simdjson::SUCCESS) {
    return RequestError{RequestError::Kind::kInvalidJson, "", "Invalid JSON body", {}};
  }
  simdjson::dom::object obj;
  if (root.get_object().get(obj)) {
    return RequestError{RequestError::Kind::kNotObject, "", "The JSON body must be an object", {}};
  }

  GenerateRequest req;

  // prompt: required, not blank.
  element prompt_el;
  if (obj["prompt"].get(prompt_el) != simdjson::SUCCESS || prompt_el.is_null()) {
    return invalid_field("prompt", "Missing required field 'prompt'");
  }
  auto prompt = string_field(prompt_el, "prompt");
  if (auto* err = std::get_if<RequestError>(&prompt)) return *err;
  if (is_blank(std::get<std::string_view>(prompt))) {
    return invalid_field("prompt", "'prompt' must not be empty");
  }
  req.prompt = std::get<std::string_view>(prompt);

  // model: unknown keys get the spec's exact body.
  std::string_view model_key = kDefaultModel;
  if (auto e = optional_field(obj, "model")) {
    auto v = string_field(*e, "model");
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    model_key = std::get<std::string_view>(v);
  }
  req.model = catalog.find(model_key);
  if (req.model == nullptr) {
    return RequestError{
        RequestError::Kind::kUnknownModel, "model", "Unknown model", {}, std::string(model_key)};
  }

  req.aspect_ratio = "1:1";
  if (auto e = optional_field(obj, "aspectRatio")) {
    auto v = string_field(*e, "aspectRatio");
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    if (auto err = enum_value("aspectRatio", std::get<std::string_view>(v), kAllAspectRatios))
      return *err;
    req.aspect_ratio = std::get<std::string_view>(v);
  }
  req.resolution = "1K";
  if (auto e = optional_field(obj, "resolution")) {
    auto v = string_field(*e, "resolution");
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    if (auto err = enum_value("resolution", std::get<std::string_view>(v), kAllResolutions))
      return *err;
    req.resolution = std::get<std::string_view>(v);
  }
  if (auto e = optional_field(obj, "count")) {
    auto v = integer_field(*e, "count", 1, 4);
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    req.count = static_cast<int>(std::get<std::int64_t>(v));
  }
  if (auto e = optional_field(obj, "negativePrompt")) {
    auto v = string_field(*e, "negativePrompt");
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    req.negative_prompt = std::get<std::string_view>(v);
    if (is_blank(req.negative_prompt)) req.negative_prompt.clear();
  }
  if (auto e = optional_field(obj, "seed")) {
    auto v = integer_field(*e, "seed", 0, 4294967295LL);
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    req.seed = static_cast<std::uint32_t>(std::get<std::int64_t>(v));
  }

  // What this model can produce: refused before any credit is touched.
  const ModelInfo& m = *req.model;
  if (m.requires_reference_images) {
    return invalid_field("model",
                         "Model " + m.key +
                             " needs reference images, which this endpoint does not accept; "
                             "use runway-gen4-image for text-to-image");
  }
  std::size_t limit =
      std::min<std::size_t>(limits.max_prompt_chars, static_cast<std::size_t>(m.max_prompt_chars));
  if (utf8_length(req.prompt) > limit) {
    return invalid_field("prompt", "'prompt' is longer than " + std::to_string(limit) +
                                       " characters, the limit for " + m.key);
  }
  if (!m.allows_resolution(req.resolution)) {
    return invalid_field("resolution",
                         "Model " + m.key + " does not support resolution " + req.resolution,
                         m.resolutions);
  }
  if (!m.allows_aspect_ratio(req.aspect_ratio)) {
    return invalid_field("aspectRatio",
                         "Model " + m.key + " does not support aspect ratio " + req.aspect_ratio,
                         m.aspect_ratios);
  }
  if (req.seed && !m.seed) {
    return invalid_field("seed", "Model " + m.key + " does not support 'seed'");
  }
  if (!req.negative_prompt.empty() && !m.negative_prompt) {
    return invalid_field("negativePrompt", "Model " + m.key + " does not support 'negativePrompt'");
  }
  if (auto e = optional_field(obj, "webhookUrl")) {
    auto v = string_field(*e, "webhookUrl");
    if (auto* err = std::get_if<RequestError>(&v)) return *err;
    auto target = check_webhook_url(std::get<std::string_view>(v), limits.allow_private_webhooks);
    if (!target)
      return invalid_field("webhookUrl", "Invalid 'webhookUrl': " + target.error().message);
    req.webhook_url = std::get<std::string_view>(v);
  }
  req.cost_per_image = *m.credits_for(req.resolution);
  return req;
}

}  // namespace imagegen::api
