#include "simulator/gemini_handler.h"

#include <atomic>
#include <cstdio>
#include <string>

#include "common/json_writer.h"
#include "common/padded_json.h"
#include "simulator/directed_outcome.h"
#include "simulator/directives.h"
#include "simulator/image_sizes.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPrefix = "/v1beta/models/";
constexpr std::string_view kSuffix = ":generateContent";

struct GoogleStatus {
  std::string_view name;
  std::string_view message;
};

GoogleStatus google_status(int status) {
  switch (status) {
    case 400:
      return {"INVALID_ARGUMENT", "Request contains an invalid argument."};
    case 401:
      return {"UNAUTHENTICATED", "Request had invalid authentication credentials."};
    case 403:
      return {"PERMISSION_DENIED",
              "Method doesn't allow unregistered callers (callers without established identity). "
              "Please use API "
              "Key or other form of API consumer identity to call this API."};
    case 404:
      return {"NOT_FOUND", "Requested entity was not found."};
    case 409:
      return {"ABORTED", "The operation was aborted."};
    case 429:
      return {"RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."};
    case 499:
      return {"CANCELLED", "The operation was cancelled."};
    case 500:
      return {"INTERNAL",
              "An internal error has occurred. Please retry or report in "
              "https://developers.generativeai.google/guide/troubleshooting"};
    case 501:
      return {"UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."};
    case 503:
      return {"UNAVAILABLE", "The model is overloaded. Please try again later."};
    case 504:
      return {"DEADLINE_EXCEEDED", "Deadline expired before operation could complete."};
    default:
      return status < 500 ? GoogleStatus{"FAILED_PRECONDITION", "Precondition check failed."}
                          : GoogleStatus{"INTERNAL", "Internal error encountered."};
  }
}

// What the simulator reads from a generateContent body; everything else is ignored.
struct GeminiBody {
  bool has_contents = false;
  std::string prompt;        // every text part of contents[0], joined by newlines
  std::string aspect_ratio;  // empty when absent
  std::string image_size;    // empty when absent
};

// On any simdjson error these return it at once: the document is then abandoned, never read again.
simdjson::error_code read_parts(simdjson::ondemand::array parts, std::string& prompt) {
  bool first = true;
  for (auto part_result : parts) {
    simdjson::ondemand::object part;
    if (auto e = part_result.get_object().get(part)) return e;
    for (auto field : part) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (key != "text") continue;
      std::string_view text;
      if (auto e = field.value().get_string().get(text)) return e;
      if (!first) prompt.push_back('\n');
      prompt.append(text);
      first = false;
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_contents(simdjson::ondemand::array contents, GeminiBody& out) {
  bool first = true;
  for (auto content_result : contents) {
    simdjson::ondemand::object content;
    if (auto e = content_result.get_object().get(content)) return e;
    if (!first) continue;  // a single-turn generation uses the first content only
    first = false;
    out.has_contents = true;
    for (auto field : content) {
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return e;
      if (key != "parts") continue;
      simdjson::ondemand::array parts;
      if (auto e = field.value().get_array().get(parts)) return e;
      if (auto e = read_parts(parts, out.prompt)) return e;
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_image_config(simdjson::ondemand::object config, GeminiBody& out) {
  for (auto field : config) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    std::string* target = key == "aspectRatio" ? &out.aspect_ratio
                          : key == "imageSize" ? &out.image_size
                                               : nullptr;
    if (!target) continue;
    std::string_view value;
    if (auto e = field.value().get_string().get(value)) return e;
    target->assign(value);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_generation_config(simdjson::ondemand::object config, GeminiBody& out) {
  for (auto field : config) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    if (key != "imageConfig") continue;
    simdjson::ondemand::object image_config;
    if (auto e = field.value().get_object().get(image_config)) return e;
    if (auto e = read_image_config(image_config, out)) return e;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code read_body(const std::string& body, simdjson::ondemand::parser& parser,
                               GeminiBody& out) {
  simdjson::padded_string scratch;
  simdjson::ondemand::document doc;
  if (auto e = parser.iterate(padded_body(body, scratch)).get(doc)) return e;
  simdjson::ondemand::object root;
  if (auto e = doc.get_object().get(root)) return e;
  for (auto field : root) {
    std::string_view key;
    if (auto e = field.unescaped_key().get(key)) return e;
    if (key == "contents") {
      simdjson::ondemand::array contents;
      if (auto e = field.value().get_array().get(contents)) return e;
      if (auto e = read_contents(contents, out)) return e;
    } else if (key == "generationConfig") {
      simdjson::ondemand::object config;
      if (auto e = field.value().get_object().get(config)) return e;
      if (auto e = read_generation_config(config, out)) return e;
    }
  }
  return simdjson::SUCCESS;
}

std::string_view api_key(const SimRequest& request) {
  const std::string_view header = find_header(request, "x-goog-api-key");
  return header.empty() ? query_param(target_query(request.target), "key") : header;
}

// Gemini 2.5 Flash Image makes 1K images only and ignores imageSize (docs/providers.md, gemini).
bool honours_image_size(std::string_view model) {
  return model.find("2.5-flash-image") == std::string_view::npos;
}

std::uint32_t image_tokens(std::string_view model, std::string_view image_size) {
  if (!honours_image_size(model)) return 1290;
  return image_size == "4K" ? 2000 : 1120;
}

std::uint32_t prompt_tokens(std::string_view prompt) {
  return static_cast<std::uint32_t>(prompt.size() / 4 + 1);
}

void append_usage(std::string& out, std::uint32_t prompt_count, std::uint32_t image_count) {
  const std::string p = std::to_string(prompt_count);
  const std::string c = std::to_string(image_count);
  out += "\"usageMetadata\":{\"promptTokenCount\":" + p;
  if (image_count > 0) out += ",\"candidatesTokenCount\":" + c;
  out += ",\"totalTokenCount\":" + std::to_string(prompt_count + image_count);
  out += ",\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":" + p + "}]";
  if (image_count > 0)
    out += ",\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":" + c + "}]";
  out += '}';
}

void append_trailer(std::string& out, std::string_view model) {
  static std::atomic<std::uint64_t> next_id{1};
  char id[24];
  std::snprintf(id, sizeof id, "sim%016llx", static_cast<unsigned long long>(next_id.fetch_add(1)));
  out += ",\"modelVersion\":";
  append_json_string(out, model);
  out += ",\"responseId\":\"";
  out += id;
  out += "\"}";
}

void append_image_part(std::string& out, const EncodedImage& image, bool thought) {
  out += "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"";
  out += image.base64;
  out += thought ? "\"},\"thought\":true}" : "\"}}";
}

SimResponse json_200(std::string body) {
  SimResponse response;
  response.body = std::move(body);
  return response;
}

SimResponse prompt_blocked(std::string_view model, std::string_view prompt) {
  std::string body = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"},";
  append_usage(body, prompt_tokens(prompt), 0);
  append_trailer(body, model);
  return json_200(std::move(body));
}

// The candidate has no content at all, as Google sends it: clients must not assume `content`.
SimResponse output_blocked(std::string_view model, std::string_view prompt) {
  std::string body =
      "{\"candidates\":[{\"finishReason\":\"IMAGE_SAFETY\",\"finishMessage\":\"Unable to show the "
      "generated image. "
      "The image was filtered out because it violated Google's Generative AI Prohibited Use "
      "policy.\",\"index\":0}],";
  append_usage(body, prompt_tokens(prompt), 0);
  append_trailer(body, model);
  return json_200(std::move(body));
}

SimResponse generated(std::string_view model, std::string_view prompt, std::string_view image_size,
                      const EncodedImage& image, const EncodedImage* thought) {
  std::string body;
  body.reserve(image.base64.size() + (thought ? thought->base64.size() : 0) + 512);
  body += "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[";
  if (thought) {
    append_image_part(body, *thought, true);
    body += ',';
  }
  append_image_part(body, image, false);
  body += "]},\"finishReason\":\"STOP\",\"index\":0}],";
  append_usage(body, prompt_tokens(prompt), image_tokens(model, image_size));
  append_trailer(body, model);
  return json_200(std::move(body));
}

// Everything after the request has been read: directives first, then the generated image.
SimResponse obey(std::string_view model, const GeminiBody& body, const Directives& directives,
                 HandlerContext& context) {
  if (auto failure = directed_failure(directives, gemini_family())) return std::move(*failure);

  const std::string_view image_size =
      honours_image_size(model) ? std::string_view(body.image_size) : "";
  const auto size = gemini_dimensions(body.aspect_ratio, image_size);
  if (!size) {
    return gemini_error(
        400, "* GenerateContentRequest.generation_config.image_config: unsupported aspectRatio '" +
                 body.aspect_ratio + "' or imageSize '" + body.image_size + "'\n");
  }

  if (directives.moderated == Moderation::kPrompt) return prompt_blocked(model, body.prompt);
  if (directives.moderated == Moderation::kOutput) return output_blocked(model, body.prompt);
  if (partial_grant(directives, body.prompt, 1, context) == 0)
    return partial_exhausted(gemini_family());

  const auto image = directives.garbage ? ImageCache::garbage()
                                        : context.services.images.png(size->width, size->height);
  const auto thought = directives.thought ? context.services.images.png(64, 64, 1) : nullptr;
  return generated(model, body.prompt, image_size.empty() ? "1K" : image_size, *image,
                   thought.get());
}

std::string_view methods(std::string_view path) { return is_gemini_path(path) ? "POST" : ""; }

}  // namespace

bool is_gemini_path(std::string_view path) {
  return path.size() > kPrefix.size() + kSuffix.size() && path.starts_with(kPrefix) &&
         path.ends_with(kSuffix) &&
         gemini_model_from_path(path).find('/') == std::string_view::npos;
}

std::string_view gemini_model_from_path(std::string_view path) {
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix)) return {};
  path.remove_prefix(kPrefix.size());
  path.remove_suffix(kSuffix.size());
  return path;
}

SimResponse handle_gemini(const SimRequest& request, HandlerContext& context) {
  if (api_key(request).empty()) return gemini_error(403, {});

  const std::string_view model = gemini_model_from_path(target_path(request.target));
  if (!model.starts_with("gemini-") || model.find("-image") == std::string_view::npos) {
    return gemini_error(
        404,
        "models/" + std::string(model) +
            " is not found for API version v1beta, or is not supported for generateContent. "
            "Call ListModels to see the list of available models and their supported methods.");
  }

  GeminiBody body;
  if (const auto e = read_body(request.body, context.json, body)) {
    return gemini_error(
        400,
        e == simdjson::INCORRECT_TYPE
            ? std::string("Invalid value in GenerateContentRequest: a field has the wrong type.")
            : std::string("Invalid JSON payload received. ") + simdjson::error_message(e));
  }
  if (!body.has_contents)
    return gemini_error(400, "* GenerateContentRequest.contents: contents is not specified\n");

  const Directives directives = parse_directives(body.prompt);
  return with_directed_delay(obey(model, body, directives, context), directives);
}

SimResponse gemini_error(int status, std::string_view message) {
  const GoogleStatus google = google_status(status);
  SimResponse response;
  response.status = status;
  response.body = "{\"error\":{\"code\":" + std::to_string(status) + ",\"message\":";
  append_json_string(response.body, message.empty() ? google.message : message);
  response.body += ",\"status\":\"";
  response.body += google.name;
  response.body += "\"}}";
  return response;
}

const ProtocolFamily& gemini_family() {
  static const ProtocolFamily family{"gemini", &methods, &handle_gemini, &gemini_error};
  return family;
}

}  // namespace imagegen::sim
