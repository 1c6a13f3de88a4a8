#pragma once
// Runway API text-to-image (runway-gen4-image; gen4_image_turbo needs reference images and is
// refused by the api before it gets here); docs/providers.md, runway. `POST /v1/text_to_image`,
// then `GET /v1/tasks/{id}` until SUCCEEDED; `X-Runway-Version` on every call, polls included. A
// cancelled job's running task is cancelled with `DELETE /v1/tasks/{id}`.
#include "worker/providers/async_task.h"

namespace imagegen::worker {

inline constexpr std::string_view kRunwayVersion = "2024-11-06";

// Our ratio as one of Runway's fixed 1080p-tier `ratio` values (nearest for 3:2, 2:3, 4:5, 5:4).
std::string_view runway_ratio(std::string_view aspect_ratio);

// The Runway row of the async-task skeleton (with the upstream cancel call).
AsyncTaskFamily runway_family();

}  // namespace imagegen::worker
