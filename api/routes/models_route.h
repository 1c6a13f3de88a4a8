#pragma once
// GET /api/v1/models: the catalog as clients need it to choose (tier, price per resolution, what
// each model accepts) and whether it can run right now. No token needed. Pure.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <set>
#include <string>
#include <string_view>

#include "api/api_context.h"
#include "api/api_types.h"
#include "common/catalog.h"

namespace imagegen::api {

// Whether a model can be served now (a live worker holds its provider's key, not disabled).
using ModelAvailable = std::function<bool(const ModelInfo&)>;

// {"models":[{"model","provider","requiredTier","credits","resolutions","aspectRatios","seed",
// "negativePrompt","maxCount","available"}]} in catalog order.
std::string models_body(const Catalog& catalog, const ModelAvailable& available);

// 200 with ETag and Cache-Control: public, max-age=60; 304 when If-None-Match matches.
ApiResponse models_response(const Catalog& catalog, const ModelAvailable& available,
                            std::string_view if_none_match);

// Availability as admission decides it: not in the operators' disabled set, and (when workers are
// required) some live worker advertises the model's provider family.
ModelAvailable availability(std::set<std::string, std::less<>> disabled_models,
                            std::set<std::string, std::less<>> served_families,
                            bool require_worker);

// The route: reads the disabled set and which families live workers serve from Redis (503 when
// Redis does not answer), then models_response().
boost::asio::awaitable<ApiResponse> get_models(ApiContext& ctx, const ApiRequest& request);

}  // namespace imagegen::api
