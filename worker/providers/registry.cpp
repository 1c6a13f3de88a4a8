#include "worker/providers/registry.h"

#include <cstdlib>

#include "worker/providers/bfl.h"
#include "worker/providers/byteplus.h"
#include "worker/providers/dashscope.h"
#include "worker/providers/gemini.h"
#include "worker/providers/kling.h"
#include "worker/providers/midjourney.h"
#include "worker/providers/openai.h"
#include "worker/providers/runway.h"
#include "worker/providers/sourceful.h"
#include "worker/providers/xai.h"

namespace imagegen::worker {
namespace {

std::unique_ptr<ProviderFamily> make_family(std::string_view name, bool flag) {
  if (name == "gemini") return std::make_unique<GeminiFamily>();
  if (name == "openai") return std::make_unique<OpenAiFamily>();
  if (name == "bfl") return std::make_unique<AsyncTaskFamily>(bfl_family());
  if (name == "xai") return std::make_unique<XaiFamily>();
  if (name == "byteplus") return std::make_unique<BytePlusFamily>();
  if (name == "sourceful") return std::make_unique<SourcefulFamily>();
  if (name == "dashscope") return std::make_unique<AsyncTaskFamily>(dashscope_family(flag));
  if (name == "runway") return std::make_unique<AsyncTaskFamily>(runway_family());
  if (name == "kling") return std::make_unique<AsyncTaskFamily>(kling_family());
  if (name == "midjourney") return std::make_unique<AsyncTaskFamily>(midjourney_family());
  return nullptr;
}

std::string strip_trailing_slashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

const std::vector<ProviderEnvSpec>& provider_env_specs() {
  static const std::vector<ProviderEnvSpec> kSpecs{
      {"gemini", "GEMINI_BASE_URL", "GEMINI_API_KEY", "https://generativelanguage.googleapis.com",
       ""},
      {"openai", "OPENAI_BASE_URL", "OPENAI_API_KEY", "https://api.openai.com/v1", "/v1"},
      {"bfl", "BFL_BASE_URL", "BFL_API_KEY", "https://api.bfl.ai", ""},
      {"xai", "XAI_BASE_URL", "XAI_API_KEY", "https://api.x.ai", ""},
      {"byteplus", "BYTEPLUS_BASE_URL", "BYTEPLUS_API_KEY",
       "https://ark.ap-southeast.bytepluses.com", ""},
      // Riverflow is served through OpenRouter: its SDK base URL carries /api/v1.
      {"sourceful", "OPENROUTER_BASE_URL", "OPENROUTER_API_KEY", "https://openrouter.ai/api/v1",
       "/api/v1"},
      {"dashscope",
       "DASHSCOPE_BASE_URL",
       "DASHSCOPE_API_KEY",
       "https://dashscope-intl.aliyuncs.com",
       "",
       {},
       "DASHSCOPE_ASYNC"},
      {"runway", "RUNWAY_BASE_URL", "RUNWAY_API_KEY", "https://api.dev.runwayml.com", ""},
      // Kling signs a JWT with two keys instead of sending one.
      {"kling", "KLING_BASE_URL", "KLING_ACCESS_KEY", "https://api-singapore.klingai.com", "",
       "KLING_SECRET_KEY"},
      {"midjourney", "MIDJOURNEY_BASE_URL", "MIDJOURNEY_API_KEY", "https://api.piapi.ai", ""},
  };
  return kSpecs;
}

ProviderRegistry ProviderRegistry::from_env(const EnvLookup& env) {
  ProviderRegistry reg;
  const auto global = env("IMAGEGEN_PROVIDER_BASE_URL");
  for (const ProviderEnvSpec& spec : provider_env_specs()) {
    std::string base;
    if (auto own = env(spec.base_url_var)) {
      base = *own;
    } else if (global) {
      base = strip_trailing_slashes(*global) + std::string(spec.sim_suffix);
    } else {
      base = std::string(spec.default_base);
    }
    ProviderEndpoint endpoint{strip_trailing_slashes(std::move(base)),
                              env(spec.api_key_var).value_or(""),
                              spec.secret_var.empty() ? "" : env(spec.secret_var).value_or("")};
    const bool flag = !spec.flag_var.empty() && env(spec.flag_var).value_or("") == "1";
    reg.add(make_family(spec.family, flag), std::move(endpoint));
  }
  return reg;
}

void ProviderRegistry::add(std::unique_ptr<ProviderFamily> family, ProviderEndpoint endpoint) {
  std::string name(family->name());
  entries_[name] = ProviderEntry{std::move(family), std::move(endpoint)};
}

const ProviderEntry* ProviderRegistry::find(std::string_view family) const {
  auto it = entries_.find(family);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProviderRegistry::families() const {
  std::vector<std::string> out;
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

}  // namespace imagegen::worker
