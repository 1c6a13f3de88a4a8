#pragma once
// Sourceful Riverflow 2.0 through OpenRouter chat completions (riverflow-2-0-pro/-fast);
// docs/providers.md, sourceful. Synchronous, one image per call, returned as a data URL in
// `choices[0].message.images[0].image_url.url`. The base URL already ends in /api/v1.
#include "worker/providers/provider.h"

namespace imagegen::worker {

class SourcefulFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "sourceful"; }
  int max_images_per_call(const ModelInfo&) const override { return 1; }
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
};

}  // namespace imagegen::worker
