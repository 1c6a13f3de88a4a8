#include "api/routes/models_route.h"

#include "api/routes/http_cache.h"
#include "common/json_writer.h"

namespace imagegen::api {

namespace {
// The API's own bound on `count` (1-4), the same for every model: the worker splits a request
// into as many upstream calls as the model needs.
constexpr int kMaxCount = 4;

void string_array(JsonWriter& w, std::string_view key, const std::vector<std::string>& items) {
  w.key(key).begin_array();
  for (const auto& s : items) w.value(s);
  w.end_array();
}
}  // namespace

std::string models_body(const Catalog& catalog, const ModelAvailable& available) {
  JsonWriter w;
  w.begin_object().key("models").begin_array();
  for (const ModelInfo& m : catalog.models()) {
    w.begin_object();
    w.field("model", m.key).field("provider", m.provider);
    w.field("requiredTier", tier_display_name(m.required_tier));
    w.key("credits").begin_object();
    // In the catalog's resolution order (1K, 2K, 4K), not the map's.
    for (const auto& res : m.resolutions) {
      if (auto c = m.credits_for(res)) w.field(res, *c);
    }
    w.end_object();
    string_array(w, "resolutions", m.resolutions);
    string_array(w, "aspectRatios", m.aspect_ratios);
    w.field("seed", m.seed).field("negativePrompt", m.negative_prompt);
    w.field("maxCount", kMaxCount);
    w.field("available", available ? available(m) : true);
    w.end_object();
  }
  w.end_array().end_object();
  return w.take();
}

ApiResponse models_response(const Catalog& catalog, const ModelAvailable& available,
                            std::string_view if_none_match) {
  ApiResponse r;
  r.body = models_body(catalog, available);
  // From the body, so a change of availability is a new tag.
  std::string etag = strong_etag(r.body);
  r.headers = {{"ETag", etag}, {"Cache-Control", "public, max-age=60"}};
  if (!if_none_match.empty() && etag_matches(if_none_match, etag)) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

}  // namespace imagegen::api
