#pragma once
// OpenAI Images API /images/generations (gpt-image-1.5, gpt-image-1, gpt-image-1-mini);
// docs/providers.md, openai. Up to 10 images per call (`n`), always base64 (`data[].b64_json`).
#include "worker/providers/provider.h"

namespace imagegen::worker {

// Only three sizes exist: the nearest one to each of our aspect ratios.
std::string_view openai_size_for(std::string_view aspect_ratio);

class OpenAiFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "openai"; }
  int max_images_per_call(const ModelInfo& model) const override;
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
};

}  // namespace imagegen::worker
