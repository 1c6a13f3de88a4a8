#pragma once
// The model catalog: what each public model key maps to upstream and what it may be asked for.
// Loaded from config/models.json at start and validated; read-only afterwards.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace imagegen {

enum class Tier { kFree, kPro };
std::string_view tier_name(Tier t);          // "free" | "pro"
std::string_view tier_display_name(Tier t);  // "Free" | "Pro" (the 403 body's requiredTier)
std::optional<Tier> parse_tier(std::string_view s);

struct ModelInfo {
  std::string key;          // public model key
  std::string provider;     // protocol family: gemini, openai, bfl, ...
  std::string upstream_id;  // model id sent upstream
  Tier required_tier = Tier::kPro;
  std::map<std::string, std::int64_t, std::less<>> credits;  // resolution -> credits per image
  std::vector<std::string> resolutions;                      // allowed, e.g. {"1K"}
  std::vector<std::string> aspect_ratios;                    // allowed, e.g. {"1:1","16:9"}
  bool seed = false;
  bool negative_prompt = false;
  int max_images_per_call = 1;
  int max_prompt_chars = 10000;
  bool async = false;                      // submit + poll
  bool requires_reference_images = false;  // cannot do pure text-to-image (refused with 400)
  int poll_interval_ms = 1000;

  bool allows_resolution(std::string_view r) const;
  bool allows_aspect_ratio(std::string_view a) const;
  std::optional<std::int64_t> credits_for(std::string_view resolution) const;
};

class Catalog {
 public:
  // Parses and validates the catalog JSON; refuses unknown keys, missing fields, bad values.
  static Result<Catalog> from_json(std::string_view json);
  static Result<Catalog> load_file(const std::string& path);

  const ModelInfo* find(std::string_view key) const;
  const std::vector<ModelInfo>& models() const { return models_; }

 private:
  std::vector<ModelInfo> models_;
};

// The spec's enumerations (same for every model; the catalog narrows them per model).
extern const std::vector<std::string_view> kAllModelKeys;
extern const std::vector<std::string_view> kAllAspectRatios;
extern const std::vector<std::string_view> kAllResolutions;

}  // namespace imagegen
