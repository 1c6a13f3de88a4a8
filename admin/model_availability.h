#pragma once
// Which catalog models can be served right now: not switched off by an operator, and some live
// worker holds keys for the model's provider family. Pure: Redis contents come in as values.
//
// Redis (the api's admission script reads the same keys, common/redis_keys.h):
//   SET  keys::kDisabledModels   models an operator switched off (`model disable`)
//   ZSET keys::serves(family)    member = worker consumer name, score = expiry (unix ms);
//                                a family is served while some score > now
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/catalog.h"
#include "common/redis_keys.h"

namespace imagegen::admin {

inline constexpr std::string_view kDisabledModelsKey = keys::kDisabledModels;
inline std::string serves_key(std::string_view family) { return keys::serves(family); }

struct ServingWorker {
  std::string name;
  std::int64_t expires_ms = 0;
};

struct ModelAvailability {
  std::string model;
  std::string family;
  bool disabled = false;
  std::vector<std::string> live_workers;  // heartbeats not yet expired, sorted
  bool served() const { return !live_workers.empty(); }
  bool available() const { return !disabled && served(); }
};

// One row per catalog model, in catalog order.
std::vector<ModelAvailability> model_availability(
    const Catalog& catalog, const std::set<std::string>& disabled,
    const std::map<std::string, std::vector<ServingWorker>>& serves_by_family, std::int64_t now_ms);

std::string render_model_list_text(const std::vector<ModelAvailability>& rows);
std::string render_model_list_json(const std::vector<ModelAvailability>& rows);

}  // namespace imagegen::admin
