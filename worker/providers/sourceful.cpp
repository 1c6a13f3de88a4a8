#include "worker/providers/sourceful.h"

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

// OpenRouter: {"error":{"code":<status>,"message","metadata"?}}. Moderation is a 403 whose
// metadata names what was flagged ({reasons, flagged_input, provider_name, model_slug}).
ProviderError error_from(const HttpResponse& r, JsonElement error) {
  const int status = static_cast<int>(json_int(error["code"]).value_or(r.status));
  const std::string_view message = json_str(error["message"]);
  JsonElement metadata;
  const bool has_metadata = !error["metadata"].get(metadata);
  ProviderErrorKind kind = kind_for_status(status);
  if (status == 402) kind = ProviderErrorKind::kQuotaExhausted;
  const bool moderation =
      has_metadata && (!metadata["reasons"].error() || !metadata["flagged_input"].error());
  if ((status == 403 || status == 400) &&
      (moderation || icontains(message, "moderation") || icontains(message, "flagged"))) {
    kind = ProviderErrorKind::kContentBlocked;
  }
  std::string text = describe_error(status, "", message);
  if (has_metadata) {
    if (const std::string_view raw = json_str(metadata["raw"]); !raw.empty()) {
      text += " (" + std::string(raw) + ")";
    }
  }
  HttpResponse shaped = r;
  shaped.status = status;
  return http_error(kind, shaped, text);
}

ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  JsonElement doc, error;
  if (!parser.parse(r.body).get(doc) && !doc["error"].get(error) && error.is_object()) {
    return error_from(r, error);
  }
  return http_error(kind_for_status(r.status), r, describe_error(r.status, "", ""));
}

}  // namespace

HttpRequest SourcefulFamily::build_request(const ModelInfo& model, const JobSpec& job, int,
                                           const ProviderEndpoint& endpoint) const {
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("messages").begin_array().begin_object();
  w.key("role").value("user").key("content").value(job.prompt);
  w.end_object().end_array();
  // Image-only models answer nothing without modalities: ["image"].
  w.key("modalities").begin_array().value("image").end_array();
  w.key("image_config").begin_object();
  w.key("aspect_ratio").value(job.aspect_ratio.empty() ? "1:1" : job.aspect_ratio);
  w.key("image_size").value(job.resolution.empty() ? "1K" : job.resolution);
  w.end_object();
  w.end_object();

  return bearer_json_post(endpoint.base_url + "/chat/completions", endpoint.api_key, w.take());
}

ProviderParse SourcefulFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  // OpenRouter can report an upstream failure inside a 200.
  if (JsonElement error; !doc["error"].get(error) && error.is_object()) return error_from(r, error);
  JsonElement message;
  if (doc["choices"].at(0)["message"].get(message)) {
    return malformed_error(r.status, "response has no choices[0].message");
  }
  simdjson::dom::array images;
  if (message["images"].get(images) || images.size() == 0) {
    const std::string_view text = json_str(message["content"]);
    return malformed_error(r.status, "no image in response" +
                                         (text.empty() ? std::string() : ": " + std::string(text)));
  }
  const std::string_view url = json_str(images.at(0)["image_url"]["url"]);
  ProviderImages out;
  if (auto image = decode_data_url(url)) {
    out.images.push_back(std::move(*image));
  } else if (is_http_url(url)) {
    out.urls.emplace_back(url);
  } else {
    return malformed_error(r.status, "image_url is neither a base64 data URL nor a URL");
  }
  return out;
}

}  // namespace imagegen::worker
