#pragma once
// Alibaba DashScope wan2.6-t2i (wan-2-6-image); providers.md §10. Synchronous multimodal
// generation by default; with DASHSCOPE_ASYNC=1 the async endpoint (`X-DashScope-Async: enable`,
// then `GET /api/v1/tasks/{id}`). Up to 4 images per call; `n` is always sent (the default is 4,
// billed), and so are `prompt_extend: false` and `watermark: false`. Results are URLs.
#include "worker/providers/bfl.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

// `W*H` inside the 1280*1280..1440*1440 pixel window (providers.md §10).
PixelSize dashscope_size(std::string_view aspect_ratio);

class DashScopeFamily final : public ProviderFamily {
 public:
  explicit DashScopeFamily(bool async = false) : async_(async) {}
  std::string_view name() const override { return "dashscope"; }
  int max_images_per_call(const ModelInfo& model) const override;
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
  HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                              const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_follow_up(const HttpResponse& response,
                                const ProviderFollowUp& follow_up) const override;

 private:
  bool async_;
};

}  // namespace imagegen::worker
