#pragma once
// Kling AI image generation (kling-image-v3); providers.md §9. JWT auth minted from the access
// and secret keys (cached, see common/jwt.h); `POST /v1/images/generations` with `n` up to 9,
// then `GET /v1/images/generations/{task_id}` until succeed; every body carries a `code`
// envelope (0 = OK) that decides more than the HTTP status does (429 + 1102 = no balance).
#include "common/jwt.h"
#include "worker/providers/provider.h"

namespace imagegen::worker {

// Our ratio in Kling's list (no 4:5 or 5:4: nearest 3:4 / 4:3).
std::string_view kling_aspect_ratio(std::string_view aspect_ratio);

// The meaning of a Kling business code (0 is not an error; unknown codes fall back to the
// HTTP status).
ProviderErrorKind kling_error_kind(std::int64_t code, int http_status);

class KlingFamily final : public ProviderFamily {
 public:
  explicit KlingFamily(jwt::IssuerTokenCache::UnixSeconds now = nullptr)
      : tokens_(std::move(now)) {}
  std::string_view name() const override { return "kling"; }
  int max_images_per_call(const ModelInfo& model) const override;
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
  HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                              const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_follow_up(const HttpResponse& response,
                                const ProviderFollowUp& follow_up) const override;

 private:
  jwt::IssuerTokenCache tokens_;
};

}  // namespace imagegen::worker
