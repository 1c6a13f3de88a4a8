#include "worker/providers/gemini.h"

#include <simdjson.h>

#include <array>
#include <charconv>

#include "common/base64.h"
#include "common/json_writer.h"
#include "worker/providers/http_headers.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

using simdjson::dom::element;

// finishReason values that mean "an image was made but withheld".
constexpr std::array<std::string_view, 7> kBlockedFinishReasons{
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "PROHIBITED_CONTENT",
    "SAFETY",       "IMAGE_RECITATION",         "IMAGE_OTHER",
    "NO_IMAGE"};

std::string_view string_or_empty(simdjson::simdjson_result<element> e) {
  std::string_view s;
  return e.get(s) ? std::string_view() : s;
}

// google.rpc.RetryInfo.retryDelay, e.g. "30s" or "1.5s" (undocumented for images; best effort).
std::optional<std::chrono::milliseconds> retry_info_delay(element doc) {
  simdjson::dom::array details;
  if (doc["error"]["details"].get(details)) return std::nullopt;
  for (element d : details) {
    if (!string_or_empty(d["@type"]).ends_with("google.rpc.RetryInfo")) continue;
    std::string_view delay = string_or_empty(d["retryDelay"]);
    if (!delay.ends_with('s')) return std::nullopt;
    delay.remove_suffix(1);
    double secs = 0;
    auto [p, ec] = std::from_chars(delay.data(), delay.data() + delay.size(), secs);
    if (ec != std::errc() || p != delay.data() + delay.size() || secs < 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(secs * 1000));
  }
  return std::nullopt;
}

ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  element doc;
  std::string message = "HTTP " + std::to_string(r.status);
  std::optional<std::chrono::milliseconds> retry_delay;
  if (!parser.parse(r.body).get(doc)) {
    const std::string_view m = string_or_empty(doc["error"]["message"]);
    const std::string_view status = string_or_empty(doc["error"]["status"]);
    if (!status.empty()) message += " " + std::string(status);
    if (!m.empty()) message += ": " + std::string(m);
    retry_delay = retry_info_delay(doc);
  }
  ProviderError err = make_provider_error(kind_for_status(r.status), r.status, message);
  if (err.kind == ProviderErrorKind::kRateLimited || err.kind == ProviderErrorKind::kTransient) {
    err.retry_after = retry_after_from(r, std::chrono::system_clock::now());
    if (!err.retry_after) err.retry_after = retry_delay;
  }
  return err;
}

ProviderError blocked(int status, std::string message) {
  return make_provider_error(ProviderErrorKind::kContentBlocked, status, message);
}

ProviderError malformed(int status, std::string message) {
  return make_provider_error(ProviderErrorKind::kMalformed, status, message);
}

}  // namespace

HttpRequest GeminiFamily::build_request(const ModelInfo& model, const JobSpec& job, int,
                                        const ProviderEndpoint& endpoint) const {
  // Gemini has no negative-prompt field; folding it into the text is the only lever.
  std::string text = job.prompt;
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    text += "\n\nAvoid: " + job.negative_prompt;
  }
  JsonWriter w;
  w.begin_object().key("contents").begin_array().begin_object();
  w.key("role").value("user").key("parts").begin_array();
  w.begin_object().key("text").value(text).end_object();
  w.end_array().end_object().end_array();
  w.key("generationConfig").begin_object();
  w.key("responseModalities").begin_array().value("IMAGE").end_array();
  w.key("imageConfig").begin_object();
  if (!job.aspect_ratio.empty()) w.key("aspectRatio").value(job.aspect_ratio);
  // gemini-2.5-flash-image is 1K-only and rejects or ignores imageSize: send it only to models
  // that offer a choice of resolutions.
  if (model.resolutions.size() > 1 && !job.resolution.empty()) {
    w.key("imageSize").value(job.resolution);
  }
  w.end_object();
  if (model.seed && job.seed) w.key("seed").value(*job.seed);
  w.end_object().end_object();

  HttpRequest req;
  req.method = "POST";
  req.url = endpoint.base_url + "/v1beta/models/" + model.upstream_id + ":generateContent";
  req.headers = {{"Content-Type", "application/json"}, {"x-goog-api-key", endpoint.api_key}};
  req.body = w.take();
  return req;
}

ProviderParse GeminiFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  if (!doc.is_object()) return malformed(r.status, "response is not a JSON object");

  if (auto reason = string_or_empty(doc["promptFeedback"]["blockReason"]); !reason.empty()) {
    return blocked(r.status, "prompt blocked: " + std::string(reason));
  }
  simdjson::dom::array candidates;
  if (doc["candidates"].get(candidates) || candidates.size() == 0) {
    return blocked(r.status, "no image in response (no candidates)");
  }
  element candidate = candidates.at(0).value_unsafe();
  if (!candidate.is_object()) return malformed(r.status, "candidate is not an object");

  // Gemini 3 Pro may emit interim "thought" images first: the answer is the last non-thought one.
  std::optional<element> image;
  std::string text;
  simdjson::dom::array parts;
  if (!candidate["content"]["parts"].get(parts)) {
    for (element part : parts) {
      bool thought = false;
      if (!part["thought"].get(thought) && thought) continue;
      element inline_data;
      if (!part["inlineData"].get(inline_data) || !part["inline_data"].get(inline_data)) {
        image = inline_data;
      } else if (text.empty()) {
        text = std::string(string_or_empty(part["text"]));
      }
    }
  }
  if (!image) {
    const std::string_view reason = string_or_empty(candidate["finishReason"]);
    for (std::string_view b : kBlockedFinishReasons) {
      if (reason == b) {
        const std::string_view detail = string_or_empty(candidate["finishMessage"]);
        return blocked(r.status, "output blocked: " + std::string(reason) +
                                     (detail.empty() ? "" : " (" + std::string(detail) + ")"));
      }
    }
    // A text-only answer is the model refusing in prose.
    return blocked(r.status,
                   "no image in response" +
                       (reason.empty() ? std::string() : " (" + std::string(reason) + ")") +
                       (text.empty() ? std::string() : ": " + text));
  }
  std::string_view data;
  if ((*image)["data"].get(data)) return malformed(r.status, "inlineData without data");
  auto bytes = base64_decode(data);
  if (!bytes) return malformed(r.status, "inlineData is not valid base64");
  std::string_view mime = string_or_empty((*image)["mimeType"]);
  if (mime.empty()) mime = string_or_empty((*image)["mime_type"]);
  ProviderImages out;
  out.images.push_back(GeneratedImage{std::move(*bytes), std::string(mime)});
  return out;
}

}  // namespace imagegen::worker
