#include "worker/providers/registry.h"

#include <gtest/gtest.h>

#include <map>

namespace imagegen::worker {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

// Every family the catalog names (docs/providers.md; the `provider` values in docs/api.md), sorted.
const std::vector<std::string> kAllFamilies{"bfl",       "byteplus",   "dashscope", "gemini",
                                            "kling",     "midjourney", "openai",    "runway",
                                            "sourceful", "xai"};

TEST(ProviderRegistry, DefaultsToTheRealHosts) {
  auto reg = ProviderRegistry::from_env(env_of({}));
  ASSERT_NE(reg.find("gemini"), nullptr);
  ASSERT_NE(reg.find("openai"), nullptr);
  EXPECT_EQ(reg.find("gemini")->endpoint.base_url, "https://generativelanguage.googleapis.com");
  EXPECT_EQ(reg.find("openai")->endpoint.base_url, "https://api.openai.com/v1");
  EXPECT_EQ(reg.find("gemini")->endpoint.api_key, "");
  EXPECT_EQ(reg.find("gemini")->family->name(), "gemini");
  EXPECT_EQ(reg.find("openai")->family->name(), "openai");
  EXPECT_EQ(reg.find("no-such-family"), nullptr);
  EXPECT_EQ(reg.families(), kAllFamilies);
}

TEST(ProviderRegistry, OneBaseUrlForAllAddsEachSdkPrefix) {
  auto reg = ProviderRegistry::from_env(
      env_of({{"IMAGEGEN_PROVIDER_BASE_URL", "http://127.0.0.1:9100/"}}));
  EXPECT_EQ(reg.find("gemini")->endpoint.base_url, "http://127.0.0.1:9100");
  EXPECT_EQ(reg.find("openai")->endpoint.base_url, "http://127.0.0.1:9100/v1");
}

TEST(ProviderRegistry, FamilyVariablesWinOverTheGlobalOne) {
  auto reg = ProviderRegistry::from_env(env_of({{"IMAGEGEN_PROVIDER_BASE_URL", "http://sim:1"},
                                                {"OPENAI_BASE_URL", "http://proxy:2/v1/"},
                                                {"OPENAI_API_KEY", "sk-1"},
                                                {"GEMINI_API_KEY", "g-2"}}));
  EXPECT_EQ(reg.find("openai")->endpoint.base_url, "http://proxy:2/v1");
  EXPECT_EQ(reg.find("gemini")->endpoint.base_url, "http://sim:1");
  EXPECT_EQ(reg.find("openai")->endpoint.api_key, "sk-1");
  EXPECT_EQ(reg.find("gemini")->endpoint.api_key, "g-2");
}

}  // namespace
}  // namespace imagegen::worker
