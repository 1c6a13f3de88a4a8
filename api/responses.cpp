#include "api/responses.h"

#include "common/json_writer.h"

namespace imagegen::api {

namespace {
ApiResponse with_retry_after(ApiResponse r, int seconds) {
  r.headers.emplace_back("Retry-After", std::to_string(seconds < 1 ? 1 : seconds));
  return r;
}
}  // namespace

ApiResponse error_response(int status, std::string_view message) {
  JsonWriter w;
  w.begin_object().field("error", message).end_object();
  return ApiResponse{status, w.take(), {}};
}

ApiResponse unauthorized() { return error_response(401, "Unauthorized: Invalid or expired token"); }

ApiResponse unknown_model(std::string_view model) {
  JsonWriter w;
  w.begin_object().field("error", "Unknown model").field("model", model).end_object();
  return ApiResponse{400, w.take(), {}};
}

ApiResponse insufficient_credits(std::int64_t required, std::int64_t remaining) {
  return error_response(402, "Insufficient credits. Required: " + std::to_string(required) +
                                 ", Remaining: " + std::to_string(remaining));
}

ApiResponse requires_tier(std::string_view model, std::string_view tier_display) {
  JsonWriter w;
  w.begin_object()
      .field("error", "This model requires a " + std::string(tier_display) + " subscription")
      .field("code", "MODEL_REQUIRES_SUBSCRIPTION")
      .field("model", model)
      .field("requiredTier", tier_display)
      .end_object();
  return ApiResponse{403, w.take(), {}};
}

ApiResponse generation_failed() { return error_response(500, "Failed to generate image"); }

ApiResponse content_blocked() {
  JsonWriter w;
  w.begin_object()
      .field("error", "The provider's content policy refused every image of this request")
      .field("code", "CONTENT_BLOCKED")
      .end_object();
  return ApiResponse{422, w.take(), {}};
}

ApiResponse rate_limited(int retry_after_s) {
  return with_retry_after(error_response(429, "Rate limit exceeded"), retry_after_s);
}

ApiResponse unavailable(std::string_view why, int retry_after_s) {
  return with_retry_after(error_response(503, why), retry_after_s);
}

ApiResponse timed_out(std::string_view job_id) {
  JsonWriter w;
  w.begin_object()
      .field("error", "Image generation timed out; the credits were refunded")
      .field("jobId", job_id)
      .end_object();
  return ApiResponse{504, w.take(), {}};
}

ApiResponse idempotency_in_progress(std::string_view job_id) {
  JsonWriter w;
  w.begin_object()
      .field("error", "A request with this Idempotency-Key is still running")
      .field("code", "IDEMPOTENCY_IN_PROGRESS")
      .field("jobId", job_id)
      .end_object();
  return ApiResponse{409, w.take(), {}};
}

ApiResponse idempotency_mismatch() {
  JsonWriter w;
  w.begin_object()
      .field("error", "This Idempotency-Key was used with a different request body")
      .field("code", "IDEMPOTENCY_KEY_MISMATCH")
      .end_object();
  return ApiResponse{422, w.take(), {}};
}

ApiResponse invalid_field(std::string_view field, std::string_view message,
                          const std::vector<std::string_view>& allowed) {
  JsonWriter w;
  w.begin_object().field("error", message).field("field", field);
  if (!allowed.empty()) {
    w.key("allowed").begin_array();
    for (auto a : allowed) w.value(a);
    w.end_array();
  }
  w.end_object();
  return ApiResponse{400, w.take(), {}};
}

ApiResponse success(const SuccessBody& b) {
  JsonWriter w;
  w.begin_object();
  w.field("filePath",
          b.file_paths.empty() ? std::string_view() : std::string_view(b.file_paths[0]));
  w.field("prompt", b.prompt).field("provider", b.provider);
  w.key("results").begin_array();
  for (const auto& p : b.file_paths) {
    w.begin_object()
        .field("filePath", p)
        .field("prompt", b.prompt)
        .field("provider", b.provider)
        .end_object();
  }
  w.end_array();
  w.field("jobId", b.job_id).field("model", b.model);
  w.field("creditsCharged", b.credits_charged).field("creditsRemaining", b.credits_remaining);
  w.field("failed", b.failed);
  w.end_object();
  return ApiResponse{200, w.take(), {}};
}

}  // namespace imagegen::api
