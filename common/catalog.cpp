#include "common/catalog.h"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace imagegen {

const std::vector<std::string_view> kAllModelKeys = {
    "nano-banana",       "nano-banana-pro",         "flux-2-max",         "flux-2-pro",
    "flux-2-flex",       "flux-2-klein-9b",         "flux-2-klein-4b",    "gpt-image-1.5",
    "gpt-image-1",       "gpt-image-1-mini",        "midjourney-v7",      "midjourney-v6-1",
    "runway-gen4-image", "runway-gen4-image-turbo", "grok-imagine-image", "seedream-4-5",
    "seedream-4-0",      "riverflow-2-0-pro",       "riverflow-2-0-fast", "kling-image-v3",
    "wan-2-6-image"};
const std::vector<std::string_view> kAllAspectRatios = {"1:1", "16:9", "9:16", "4:3", "3:4",
                                                        "2:3", "3:2",  "4:5",  "5:4", "21:9"};
const std::vector<std::string_view> kAllResolutions = {"1K", "2K", "4K"};

namespace {
const std::set<std::string_view> kFamilies = {"gemini", "openai",   "bfl",      "midjourney",
                                              "runway", "xai",      "byteplus", "sourceful",
                                              "kling",  "dashscope"};

bool contains(const std::vector<std::string_view>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Error bad(const std::string& where, const std::string& what) {
  return make_error(Errc::kInvalidArgument, "catalog: " + where + ": " + what);
}

Result<std::vector<std::string>> string_list(simdjson::dom::element e, const std::string& where,
                                             const std::vector<std::string_view>& allowed) {
  simdjson::dom::array arr;
  if (e.get_array().get(arr)) return bad(where, "must be an array of strings");
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s)) return bad(where, "must be an array of strings");
    if (!contains(allowed, s)) return bad(where, "value '" + std::string(s) + "' is not allowed");
    out.emplace_back(s);
  }
  if (out.empty()) return bad(where, "must not be empty");
  return out;
}

Result<ModelInfo> parse_model(simdjson::dom::object obj) {
  ModelInfo m;
  std::string where = "model";
  std::set<std::string> seen;
  for (auto [k, v] : obj) {
    std::string key(k);
    seen.insert(key);
    std::string_view s;
    int64_t n = 0;
    bool b = false;
    if (key == "key" || key == "provider" || key == "upstreamId" || key == "tier" ||
        key == "notes") {
      if (v.get_string().get(s)) return bad(where, key + " must be a string");
      if (key == "key") {
        m.key = s;
        where = "model " + m.key;
      }
      if (key == "provider") m.provider = s;
      if (key == "upstreamId") m.upstream_id = s;
      if (key == "tier") {
        auto t = parse_tier(s);
        if (!t) return bad(where, "tier must be free or pro");
        m.required_tier = *t;
      }
    } else if (key == "seed" || key == "negativePrompt" || key == "async" ||
               key == "requiresReferenceImages") {
      if (v.get_bool().get(b)) return bad(where, key + " must be a boolean");
      if (key == "requiresReferenceImages") m.requires_reference_images = b;
      if (key == "seed") m.seed = b;
      if (key == "negativePrompt") m.negative_prompt = b;
      if (key == "async") m.async = b;
    } else if (key == "maxImagesPerCall" || key == "maxPromptChars" || key == "pollIntervalMs") {
      if (v.get_int64().get(n) || n < 0 || n > 1000000)
        return bad(where, key + " must be a small whole number");
      if (key == "maxImagesPerCall") m.max_images_per_call = static_cast<int>(n);
      if (key == "maxPromptChars") m.max_prompt_chars = static_cast<int>(n);
      if (key == "pollIntervalMs") m.poll_interval_ms = static_cast<int>(n);
    } else if (key == "aspectRatios") {
      auto r = string_list(v, where + " aspectRatios", kAllAspectRatios);
      if (!r) return r.error();
      m.aspect_ratios = std::move(r.value());
    } else if (key == "credits") {
      simdjson::dom::object c;
      if (v.get_object().get(c)) return bad(where, "credits must be an object");
      for (auto [res, cost] : c) {
        if (!contains(kAllResolutions, res))
          return bad(where, "credits: unknown resolution " + std::string(res));
        if (cost.get_int64().get(n) || n <= 0)
          return bad(where, "credits must be positive integers");
        m.credits[std::string(res)] = n;
        m.resolutions.emplace_back(res);
      }
    } else {
      return bad(where, "unknown field '" + key + "'");
    }
  }
  for (const char* required : {"key", "provider", "upstreamId", "tier", "credits", "aspectRatios",
                               "seed", "negativePrompt", "maxImagesPerCall", "maxPromptChars"}) {
    if (!seen.count(required)) return bad(where, std::string("missing field '") + required + "'");
  }
  if (!contains(kAllModelKeys, m.key)) return bad(where, "not a model key of the spec");
  if (!kFamilies.count(m.provider)) return bad(where, "unknown provider family " + m.provider);
  if (m.resolutions.empty()) return bad(where, "credits must name at least one resolution");
  if (m.max_images_per_call < 1) return bad(where, "maxImagesPerCall must be at least 1");
  if (m.max_prompt_chars < 1) return bad(where, "maxPromptChars must be at least 1");
  return m;
}
}  // namespace

std::string_view tier_name(Tier t) { return t == Tier::kPro ? "pro" : "free"; }
std::string_view tier_display_name(Tier t) { return t == Tier::kPro ? "Pro" : "Free"; }
std::optional<Tier> parse_tier(std::string_view s) {
  if (s == "free") return Tier::kFree;
  if (s == "pro") return Tier::kPro;
  return std::nullopt;
}

bool ModelInfo::allows_resolution(std::string_view r) const {
  return std::find(resolutions.begin(), resolutions.end(), r) != resolutions.end();
}
bool ModelInfo::allows_aspect_ratio(std::string_view a) const {
  return std::find(aspect_ratios.begin(), aspect_ratios.end(), a) != aspect_ratios.end();
}
std::optional<std::int64_t> ModelInfo::credits_for(std::string_view resolution) const {
  auto it = credits.find(resolution);
  if (it == credits.end()) return std::nullopt;
  return it->second;
}

Result<Catalog> Catalog::from_json(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  if (auto err = parser.parse(padded).get(root)) {
    return bad("json", simdjson::error_message(err));
  }
  simdjson::dom::object top;
  if (root.get_object().get(top)) return bad("json", "top level must be an object");
  Catalog catalog;
  bool have_models = false;
  for (auto [k, v] : top) {
    if (k == "$comment") continue;
    if (k != "models") return bad("json", "unknown top-level field '" + std::string(k) + "'");
    have_models = true;
    simdjson::dom::array arr;
    if (v.get_array().get(arr)) return bad("json", "models must be an array");
    for (auto item : arr) {
      simdjson::dom::object obj;
      if (item.get_object().get(obj)) return bad("json", "each model must be an object");
      auto m = parse_model(obj);
      if (!m) return m.error();
      if (catalog.find(m->key)) return bad("model " + m->key, "listed twice");
      catalog.models_.push_back(std::move(m.value()));
    }
  }
  if (!have_models) return bad("json", "missing 'models'");
  for (auto key : kAllModelKeys) {
    if (!catalog.find(key)) return bad("json", "model " + std::string(key) + " is missing");
  }
  return catalog;
}

Result<Catalog> Catalog::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::kNotFound, "catalog: cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return from_json(ss.str());
}

const ModelInfo* Catalog::find(std::string_view key) const {
  for (const auto& m : models_) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

}  // namespace imagegen
