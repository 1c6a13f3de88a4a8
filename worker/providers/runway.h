#pragma once
// Runway API text-to-image (runway-gen4-image; gen4_image_turbo needs reference images and is
// refused by the api before it gets here); providers.md §5. `POST /v1/text_to_image`, then
// `GET /v1/tasks/{id}` until SUCCEEDED; `X-Runway-Version` on every call, polls included.
#include "worker/providers/provider.h"

namespace imagegen::worker {

inline constexpr std::string_view kRunwayVersion = "2024-11-06";

// Our ratio as one of Runway's fixed 1080p-tier `ratio` values (nearest for 3:2, 2:3, 4:5, 5:4).
std::string_view runway_ratio(std::string_view aspect_ratio);

class RunwayFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "runway"; }
  int max_images_per_call(const ModelInfo&) const override { return 1; }
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
  HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                              const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_follow_up(const HttpResponse& response,
                                const ProviderFollowUp& follow_up) const override;
};

}  // namespace imagegen::worker
