#include "api/responses.h"

#include "common/json_writer.h"
#include "common/protocol/job_status.h"
#include "common/protocol/job_view.h"

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
        .field("url", protocol::file_url(p))
        .end_object();
  }
  w.end_array();
  w.field("jobId", b.job_id).field("model", b.model);
  w.field("creditsCharged", b.credits_charged).field("creditsRemaining", b.credits_remaining);
  w.field("failed", b.failed);
  w.end_object();
  return ApiResponse{200, w.take(), {}};
}

ApiResponse to_response(const RequestError& e) {
  switch (e.kind) {
    case RequestError::Kind::kInvalidJson:
    case RequestError::Kind::kNotObject:
      return error_response(400, e.message);
    case RequestError::Kind::kUnknownModel:
      return unknown_model(e.model);
    case RequestError::Kind::kInvalidField:
      break;
  }
  std::vector<std::string_view> allowed(e.allowed.begin(), e.allowed.end());
  return invalid_field(e.field, e.message, allowed);
}

ApiResponse model_unavailable(std::string_view model, int retry_after_s) {
  JsonWriter w;
  w.begin_object()
      .field("error", "Model temporarily unavailable")
      .field("code", "MODEL_UNAVAILABLE")
      .field("model", model)
      .end_object();
  return with_retry_after(ApiResponse{503, w.take(), {}}, retry_after_s);
}

ApiResponse job_cancelled(std::string_view job_id) {
  JsonWriter w;
  w.begin_object()
      .field("error", "The job was cancelled")
      .field("code", "JOB_CANCELLED")
      .field("jobId", job_id)
      .end_object();
  return ApiResponse{409, w.take(), {}};
}

ApiResponse job_already_finished(std::string_view status) {
  JsonWriter w;
  w.begin_object()
      .field("error", "The job has already finished")
      .field("code", "JOB_ALREADY_FINISHED")
      .field("status", status)
      .end_object();
  return ApiResponse{409, w.take(), {}};
}

ApiResponse job_not_found() { return error_response(404, "Job not found"); }

ApiResponse accepted(std::string_view job_id, std::string_view status,
                     std::string_view preference_applied) {
  JsonWriter w;
  w.begin_object().field("jobId", job_id).field("status", status).end_object();
  ApiResponse r{202, w.take(), {}};
  r.headers.emplace_back("Location", std::string("/api/v1/jobs/") += job_id);
  if (!preference_applied.empty()) {
    r.headers.emplace_back("Preference-Applied", std::string(preference_applied));
  }
  return r;
}

ApiResponse admission_refused(const protocol::AdmitReply& reply, const ModelInfo& model,
                              std::int64_t cost) {
  using protocol::AdmitVerdict;
  switch (reply.verdict) {
    case AdmitVerdict::kUnauthorized:
      return unauthorized();
    case AdmitVerdict::kTierTooLow:
      return requires_tier(model.key, tier_display_name(model.required_tier));
    case AdmitVerdict::kModelUnavailable:
      // A disabled model stays off until an operator acts; a missing worker may come back soon.
      return model_unavailable(model.key, reply.unavailable_reason == "disabled" ? 60 : 5);
    case AdmitVerdict::kRateLimited:
      return rate_limited(reply.retry_after_s);
    case AdmitVerdict::kOverloaded:
      return unavailable("Too many jobs in the queue, retry later", 2);
    case AdmitVerdict::kInsufficientCredits:
      return insufficient_credits(cost, reply.balance);
    case AdmitVerdict::kIdempotencyMismatch:
      return idempotency_mismatch();
    case AdmitVerdict::kAdmitted:
    case AdmitVerdict::kIdempotentReplay:
      break;
  }
  return generation_failed();
}

ApiResponse completion_response(const protocol::Completion& m, const ModelInfo* model,
                                std::string_view prompt, int count) {
  namespace st = protocol;
  if (m.status == st::kSucceeded || m.status == st::kPartial) {
    SuccessBody b;
    b.job_id = m.job_id;
    b.model = model ? model->key : "";
    b.provider = model ? model->provider : "";
    b.prompt = prompt;
    b.file_paths = m.results;
    b.credits_charged = m.charged;
    b.credits_remaining = m.balance;
    b.failed = std::max(0, count - static_cast<int>(m.results.size()));
    return success(b);
  }
  if (m.status == st::kBlocked) return content_blocked();
  if (m.status == st::kExpired) return timed_out(m.job_id);
  if (m.status == st::kCancelled) return job_cancelled(m.job_id);
  return generation_failed();
}

}  // namespace imagegen::api
