#pragma once
// Google Gemini API generateContent (nano-banana, nano-banana-pro); docs/providers.md, gemini.
// One image per call; safety blocks arrive as HTTP 200 and map to kContentBlocked.
#include "worker/providers/provider.h"

namespace imagegen::worker {

class GeminiFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "gemini"; }
  // candidateCount is fixed at 1 for image models: N images means N calls.
  int max_images_per_call(const ModelInfo&) const override { return 1; }
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
};

}  // namespace imagegen::worker
