#pragma once
// Parses and validates a generate-image body against the spec and the model's capabilities.
// Pure: no I/O. The first bad field is named in the 400 body.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/catalog.h"

namespace imagegen::api {

struct GenerateRequest {
  std::string prompt;
  const ModelInfo* model = nullptr;
  std::string aspect_ratio;
  std::string resolution;
  int count = 1;
  std::string negative_prompt;
  std::optional<std::uint32_t> seed;
  std::string webhook_url;  // "" = none
  std::int64_t cost_per_image = 0;
  std::int64_t total_cost() const { return cost_per_image * count; }
};

struct ValidationLimits {
  std::size_t max_prompt_chars = 10000;  // IMAGEGEN_MAX_PROMPT_CHARS
  bool allow_private_webhooks = false;   // IMAGEGEN_WEBHOOK_ALLOW_PRIVATE
};

// Why a body was refused; the api turns it into a 400 (api/responses.h, to_response).
struct RequestError {
  enum class Kind { kInvalidJson, kNotObject, kInvalidField, kUnknownModel } kind;
  std::string field;                      // the first bad field ("" for kInvalidJson / kNotObject)
  std::string message;                    // for the client
  std::vector<std::string> allowed = {};  // the values the field may take, when a short list
  std::string model = {};                 // kUnknownModel: the key that was asked for
};

// body must have at least SIMDJSON_PADDING bytes of spare capacity or it is copied.
std::variant<GenerateRequest, RequestError> validate_generate_request(
    const std::string& body, const Catalog& catalog, const ValidationLimits& limits);

// Number of Unicode code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view s);

}  // namespace imagegen::api
