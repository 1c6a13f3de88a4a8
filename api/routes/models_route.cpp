#include "api/routes/models_route.h"

#include "api/responses.h"
#include "api/routes/http_cache.h"
#include "common/clock.h"
#include "common/json_writer.h"
#include "common/redis_keys.h"

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

ModelAvailable availability(std::set<std::string, std::less<>> disabled_models,
                            std::set<std::string, std::less<>> served_families,
                            bool require_worker) {
  return [disabled = std::move(disabled_models), served = std::move(served_families),
          require_worker](const ModelInfo& m) {
    if (disabled.contains(m.key)) return false;
    return !require_worker || served.contains(m.provider);
  };
}

boost::asio::awaitable<ApiResponse> get_models(ApiContext& ctx, const ApiRequest& request) {
  // Named vectors: GCC 12 rejects a braced list as a coroutine call's argument.
  std::vector<std::string> smembers = {"SMEMBERS", std::string(keys::kDisabledModels)};
  auto disabled_reply = co_await ctx.redis->command(std::move(smembers), ctx.redis_timeout());
  if (!disabled_reply || disabled_reply->is_error())
    co_return unavailable("Service temporarily unavailable", 1);
  std::set<std::string, std::less<>> disabled;
  for (const auto& e : disabled_reply->elements()) disabled.insert(e.as_string());

  std::set<std::string, std::less<>> families;
  for (const auto& m : ctx.catalog.models()) families.insert(m.provider);
  std::set<std::string, std::less<>> served;
  if (ctx.config.require_worker) {
    // A family is served while some worker's advertisement expires in the future (the same
    // test as the admission script's).
    const auto now = now_ms();
    for (const auto& family : families) {
      if (ctx.served.vouches_for(family, now)) {  // a fresh reading: no round trip
        served.insert(family);
        continue;
      }
      std::vector<std::string> zcount = {"ZCOUNT", keys::serves(family), "(" + std::to_string(now),
                                         "+inf"};
      auto n = co_await ctx.redis->command(std::move(zcount), ctx.redis_timeout());
      if (!n || n->is_error()) co_return unavailable("Service temporarily unavailable", 1);
      if (n->as_int().value_or(0) > 0) served.insert(family);
    }
  }
  co_return models_response(
      ctx.catalog, availability(std::move(disabled), std::move(served), ctx.config.require_worker),
      request.if_none_match);
}

}  // namespace imagegen::api
