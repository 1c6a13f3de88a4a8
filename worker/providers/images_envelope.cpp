#include "worker/providers/images_envelope.h"

#include "common/base64.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

std::string mime_of(const ImagesEnvelope& shape, JsonElement doc, JsonElement item) {
  if (!shape.mime_field.empty()) {
    if (const std::string_view m = json_str(item[shape.mime_field]); !m.empty()) {
      return std::string(m);
    }
  }
  if (!shape.format_field.empty()) {
    const std::string_view format = json_str(doc[shape.format_field]);
    if (!format.empty()) return "image/" + std::string(format == "jpg" ? "jpeg" : format);
  }
  return std::string(shape.default_mime);
}

}  // namespace

ProviderParse parse_images_envelope(const HttpResponse& r, const ImagesEnvelope& shape) {
  // One parser per thread for the usual answers: a new parser allocates its buffers for every
  // answer (about 1 % of the worker's CPU in the slow bench). Nothing here parses again while
  // the document is in use. A big answer (4K images) gets a parser of its own, so that a
  // thread does not keep tens of MB after it.
  constexpr std::size_t kReuseUpTo = 1 << 20;
  thread_local simdjson::dom::parser per_thread;
  simdjson::dom::parser own;
  simdjson::dom::parser& parser = r.body.size() <= kReuseUpTo ? per_thread : own;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  simdjson::dom::array data;
  if (doc["data"].get(data)) return malformed_error(r.status, "response has no data array");
  ProviderImages out;
  std::string problem = "response has no images";
  bool refused = false;
  for (JsonElement item : data) {
    if (shape.entry_refused) {
      // One image failing (moderation of one does not stop the others).
      if (const std::string_view code = json_str(item["error"]["code"]); !code.empty()) {
        refused = refused || shape.entry_refused(code);
        problem = "image failed: " + std::string(code) + ": " +
                  std::string(json_str(item["error"]["message"]));
        continue;
      }
    }
    if (const std::string_view b64 = json_str(item["b64_json"]); !b64.empty()) {
      auto bytes = base64_decode(b64);
      if (!bytes) {
        problem = "b64_json is not valid base64";
        continue;
      }
      out.images.push_back(GeneratedImage{std::move(*bytes), mime_of(shape, doc, item)});
    } else if (const std::string_view url = json_str(item["url"]); shape.urls && is_http_url(url)) {
      out.urls.emplace_back(url);
    } else {
      problem = shape.urls ? "data entry without b64_json or url" : "data entry without b64_json";
    }
  }
  if (!out.images.empty() || !out.urls.empty()) return out;
  return make_provider_error(
      refused ? ProviderErrorKind::kContentBlocked : ProviderErrorKind::kMalformed, r.status,
      problem);
}

ProviderParse parse_images_answer(const HttpResponse& r, const ImagesEnvelope& shape,
                                  ProviderError (*error_response)(const HttpResponse&)) {
  if (r.status < 200 || r.status > 299) return error_response(r);
  return parse_images_envelope(r, shape);
}

}  // namespace imagegen::worker
