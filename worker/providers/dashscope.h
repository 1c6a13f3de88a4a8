#pragma once
// Alibaba DashScope wan2.6-t2i (wan-2-6-image); docs/providers.md, dashscope. Synchronous
// multimodal generation by default; with DASHSCOPE_ASYNC=1 the async endpoint (`X-DashScope-Async:
// enable`, then `GET /api/v1/tasks/{id}`). Up to 4 images per call; `n` is always sent (the default
// is 4, billed), and so are `prompt_extend: false` and `watermark: false`. Results are URLs.
#include "worker/providers/async_task.h"
#include "worker/providers/bfl.h"

namespace imagegen::worker {

// `W*H` inside the 1280*1280..1440*1440 pixel window (docs/providers.md, dashscope).
PixelSize dashscope_size(std::string_view aspect_ratio);

// The DashScope row of the async-task skeleton. `async`: the async endpoint; otherwise the submit
// answer already holds the images.
AsyncTaskFamily dashscope_family(bool async = false);

}  // namespace imagegen::worker
