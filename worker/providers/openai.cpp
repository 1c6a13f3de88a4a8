#include "worker/providers/openai.h"

#include <simdjson.h>

#include <algorithm>

#include "common/base64.h"
#include "common/json_writer.h"
#include "worker/providers/http_headers.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

using simdjson::dom::element;

constexpr int kMaxN = 10;  // the API's own cap on `n`

std::string_view string_or_empty(simdjson::simdjson_result<element> e) {
  std::string_view s;
  return e.get(s) ? std::string_view() : s;
}

ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  element doc;
  std::string_view code, type, message;
  if (!parser.parse(r.body).get(doc)) {
    code = string_or_empty(doc["error"]["code"]);
    type = string_or_empty(doc["error"]["type"]);
    message = string_or_empty(doc["error"]["message"]);
  }
  std::string text = "HTTP " + std::to_string(r.status);
  if (!code.empty()) text += " " + std::string(code);
  if (!message.empty()) text += ": " + std::string(message);

  ProviderErrorKind kind = kind_for_status(r.status);
  if (r.status == 400 && code == "moderation_blocked") kind = ProviderErrorKind::kContentBlocked;
  // Both 429s look alike; only the code tells an empty account from a busy one.
  if (r.status == 429 && (code == "insufficient_quota" || type == "insufficient_quota")) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  ProviderError err = make_provider_error(kind, r.status, text);
  if (kind == ProviderErrorKind::kRateLimited || kind == ProviderErrorKind::kTransient) {
    err.retry_after = retry_after_from(r, std::chrono::system_clock::now());
  }
  return err;
}

ProviderError malformed(int status, std::string message) {
  return make_provider_error(ProviderErrorKind::kMalformed, status, message);
}

}  // namespace

std::string_view openai_size_for(std::string_view ar) {
  if (ar == "3:2" || ar == "16:9" || ar == "4:3" || ar == "5:4" || ar == "21:9") return "1536x1024";
  if (ar == "2:3" || ar == "9:16" || ar == "3:4" || ar == "4:5") return "1024x1536";
  return "1024x1024";  // 1:1, and anything the api should have refused already
}

int OpenAiFamily::max_images_per_call(const ModelInfo& model) const {
  return std::clamp(model.max_images_per_call, 1, kMaxN);
}

HttpRequest OpenAiFamily::build_request(const ModelInfo& model, const JobSpec& job,
                                        int images_in_call,
                                        const ProviderEndpoint& endpoint) const {
  // No negative-prompt field upstream; fold it only where the catalog says the model takes one.
  std::string prompt = job.prompt;
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    prompt += "\n\nAvoid: " + job.negative_prompt;
  }
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("prompt").value(prompt);
  w.key("n").value(std::clamp(images_in_call, 1, kMaxN));
  w.key("size").value(openai_size_for(job.aspect_ratio));
  w.key("output_format").value("png");
  w.end_object();

  HttpRequest req;
  req.method = "POST";
  req.url = endpoint.base_url + "/images/generations";
  req.headers = {{"Content-Type", "application/json"},
                 {"Authorization", "Bearer " + endpoint.api_key}};
  req.body = w.take();
  return req;
}

ProviderParse OpenAiFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array data;
  if (doc["data"].get(data)) return malformed(r.status, "response has no data array");
  // output_format echoes what we asked for; png is also the API default.
  std::string_view format = string_or_empty(doc["output_format"]);
  if (format.empty()) format = "png";
  const std::string mime = "image/" + std::string(format == "jpg" ? "jpeg" : format);

  // A bad entry among good ones is a short delivery: the caller asks again for the rest.
  ProviderImages out;
  std::string problem = "response has no images";
  for (element item : data) {
    std::string_view b64;
    if (item["b64_json"].get(b64)) {
      problem = "data entry without b64_json";
      continue;
    }
    auto bytes = base64_decode(b64);
    if (!bytes) {
      problem = "b64_json is not valid base64";
      continue;
    }
    out.images.push_back(GeneratedImage{std::move(*bytes), mime});
  }
  if (out.images.empty()) return malformed(r.status, problem);
  return out;
}

}  // namespace imagegen::worker
