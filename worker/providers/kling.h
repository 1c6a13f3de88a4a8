#pragma once
// Kling AI image generation (kling-image-v3); docs/providers.md, kling. JWT auth minted from the
// access and secret keys (cached, see common/jwt.h); `POST /v1/images/generations` with `n` up to
// 9, then `GET /v1/images/generations/{task_id}` until succeed; every body carries a `code`
// envelope (0 = OK) that decides more than the HTTP status does (429 + 1102 = no balance).
#include "common/jwt.h"
#include "worker/providers/async_task.h"

namespace imagegen::worker {

// Our ratio in Kling's list (no 4:5 or 5:4: nearest 3:4 / 4:3).
std::string_view kling_aspect_ratio(std::string_view aspect_ratio);

// The meaning of a Kling business code (0 is not an error; unknown codes fall back to the
// HTTP status).
ProviderErrorKind kling_error_kind(std::int64_t code, int http_status);

// The Kling row of the async-task skeleton. `now` feeds the JWT cache (tests pin it).
AsyncTaskFamily kling_family(jwt::IssuerTokenCache::UnixSeconds now = nullptr);

}  // namespace imagegen::worker
