#pragma once
// BytePlus ModelArk images API (seedream-4-5, seedream-4-0); docs/providers.md, byteplus.
// Synchronous `POST /api/v3/images/generations`, explicit `WxH` sizes, one image per call
// (`sequential_image_generation: disabled`), `watermark: false` always (the default is true).
#include "worker/providers/bfl.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

// Explicit size for our ratio and resolution (docs/providers.md, byteplus size tables; 4K is twice
// 2K per side, 4:5 and 5:4 computed inside the 16.7 MP cap). `min_2k`: the model has no 1K
// (seedream 4.5 needs at least 3,686,400 px), so 1K is served at 2K.
PixelSize byteplus_size(std::string_view aspect_ratio, std::string_view resolution, bool min_2k);

class BytePlusFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "byteplus"; }
  int max_images_per_call(const ModelInfo&) const override { return 1; }
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
};

}  // namespace imagegen::worker
