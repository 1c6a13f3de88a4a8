#pragma once
// xAI Images API (grok-imagine-image); docs/providers.md, xai. OpenAI-shaped
// `/v1/images/generations` with `aspect_ratio` and `resolution` ("1k" | "2k") instead of `size`
// (which xAI rejects), up to 10 images per call; results are base64 (we ask for it) or, from some
// gateways, URLs.
#include "worker/providers/provider.h"

namespace imagegen::worker {

// Our ratio in xAI's vocabulary: the seven shared ones as they are, 21:9 -> 20:9, 4:5 -> 3:4,
// 5:4 -> 4:3 (nearest).
std::string_view xai_aspect_ratio(std::string_view aspect_ratio);

class XaiFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "xai"; }
  int max_images_per_call(const ModelInfo& model) const override;
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
};

}  // namespace imagegen::worker
