#pragma once
// Which protocol families this worker speaks and where each one's upstream is. Built once at
// start from the environment; read-only afterwards (safe to share).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

struct ProviderEntry {
  std::unique_ptr<ProviderFamily> family;
  ProviderEndpoint endpoint;
};

// Where a family's endpoint comes from. `sim_suffix` is the path prefix the official SDK puts in
// the base URL, appended when IMAGEGEN_PROVIDER_BASE_URL (scheme://host:port) stands in.
struct ProviderEnvSpec {
  std::string_view family;
  std::string_view base_url_var;     // e.g. OPENAI_BASE_URL
  std::string_view api_key_var;      // e.g. OPENAI_API_KEY (kling: KLING_ACCESS_KEY)
  std::string_view default_base;     // the real host
  std::string_view sim_suffix;       // e.g. "/v1" for openai
  std::string_view secret_var = {};  // a second credential (kling: KLING_SECRET_KEY), or empty
  std::string_view flag_var = {};    // a family switch (dashscope: DASHSCOPE_ASYNC=1), or empty
};

// The families implemented in this build, with their environment variables.
const std::vector<ProviderEnvSpec>& provider_env_specs();

class ProviderRegistry {
 public:
  // Every family of provider_env_specs(). Base URL precedence: `<FAMILY>_BASE_URL`, then
  // IMAGEGEN_PROVIDER_BASE_URL + sim_suffix, then the real host; trailing '/' removed.
  // Keys from `<FAMILY>_API_KEY` (empty when unset: the upstream will answer 401), plus the
  // spec's secret and flag variables where it has them.
  static ProviderRegistry from_env(const EnvLookup& env = process_env);

  void add(std::unique_ptr<ProviderFamily> family, ProviderEndpoint endpoint);
  const ProviderEntry* find(std::string_view family) const;
  std::vector<std::string> families() const;

 private:
  std::map<std::string, ProviderEntry, std::less<>> entries_;
};

}  // namespace imagegen::worker
