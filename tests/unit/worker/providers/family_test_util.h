#pragma once
// Catalog entries for the families added with "All 21 models", and a follow-up assertion.
#include <gtest/gtest.h>

#include "tests/unit/worker/test_fixtures.h"
#include "worker/providers/provider.h"

namespace imagegen::testing {

inline worker::ProviderFollowUp expect_follow_up(const worker::ProviderParse& p) {
  const auto* f = std::get_if<worker::ProviderFollowUp>(&p);
  EXPECT_NE(f, nullptr) << "expected a follow-up, got: "
                        << (std::holds_alternative<worker::ProviderError>(p)
                                ? std::get<worker::ProviderError>(p).message
                                : std::string("images"));
  return f ? *f : worker::ProviderFollowUp{};
}

inline ModelInfo model_of(const std::string& key, const std::string& provider,
                          const std::string& upstream, std::vector<std::string> resolutions,
                          int per_call, bool seed, bool negative, int poll_ms) {
  ModelInfo m;
  m.key = key;
  m.provider = provider;
  m.upstream_id = upstream;
  for (const auto& r : resolutions) m.credits[r] = 10;
  m.resolutions = std::move(resolutions);
  m.aspect_ratios = kTenRatios;
  m.max_images_per_call = per_call;
  m.seed = seed;
  m.negative_prompt = negative;
  m.async = poll_ms > 0;
  m.poll_interval_ms = poll_ms;
  return m;
}

inline ModelInfo flux_2_pro() {
  return model_of("flux-2-pro", "bfl", "flux-2-pro", {"1K", "2K"}, 1, true, false, 500);
}
inline ModelInfo grok_imagine() {
  return model_of("grok-imagine-image", "xai", "grok-imagine-image", {"1K", "2K"}, 10, false, false,
                  0);
}
inline ModelInfo seedream_4_0() {
  return model_of("seedream-4-0", "byteplus", "seedream-4-0-250828", {"1K", "2K", "4K"}, 1, false,
                  false, 0);
}
inline ModelInfo seedream_4_5() {
  return model_of("seedream-4-5", "byteplus", "seedream-4-5-251128", {"2K", "4K"}, 1, false, false,
                  0);
}
inline ModelInfo riverflow_pro() {
  return model_of("riverflow-2-0-pro", "sourceful", "sourceful/riverflow-v2-pro",
                  {"1K", "2K", "4K"}, 1, false, false, 0);
}
inline ModelInfo wan_2_6() {
  return model_of("wan-2-6-image", "dashscope", "wan2.6-t2i", {"1K"}, 4, true, true, 0);
}
inline ModelInfo runway_gen4() {
  return model_of("runway-gen4-image", "runway", "gen4_image", {"1K"}, 1, true, false, 2000);
}
inline ModelInfo kling_v3() {
  return model_of("kling-image-v3", "kling", "kling-v3", {"1K", "2K"}, 9, false, true, 2000);
}
inline ModelInfo midjourney_v7() {
  return model_of("midjourney-v7", "midjourney", "7", {"1K"}, 4, true, true, 2000);
}

}  // namespace imagegen::testing

namespace imagegen::worker {
using testing::expect_follow_up;
}  // namespace imagegen::worker
