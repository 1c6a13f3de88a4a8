#pragma once
// Black Forest Labs FLUX.2 (flux-2-max/pro/flex/klein-9b/klein-4b); docs/providers.md, bfl.
// Submit `POST /v1/{model}` with `x-key`, then poll the returned `polling_url` (same header)
// until Ready, and download `result.sample` at once (it expires after 10 minutes). One image per
// submit: count=N means N submits.
#include "worker/providers/async_task.h"

namespace imagegen::worker {

struct PixelSize {
  int width = 0;
  int height = 0;
  bool operator==(const PixelSize&) const = default;
};

// Width and height for our ratio at 1K (<= 1024*1024 px) or 2K (<= 2048*2048 px, BFL's 4 MP):
// each side the ideal value rounded down to a multiple of 32 (so also of 16, as BFL requires).
// 1:1 -> 1024x1024 / 2048x2048; 16:9 -> 1344x768 at 1K. Unknown ratios count as 1:1, 4K as 2K.
PixelSize bfl_dimensions(std::string_view aspect_ratio, std::string_view resolution);

// The BFL row of the async-task skeleton.
AsyncTaskFamily bfl_family();

}  // namespace imagegen::worker
