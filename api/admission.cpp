#include "api/admission.h"

#include <cctype>

#include "api/responses.h"

namespace imagegen::api {

namespace {
bool is_json_content_type(std::string_view ct) {
  if (ct.empty()) return true;  // curl -d without -H still means JSON to most clients; be lenient
  std::string_view media = ct.substr(0, ct.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  std::string lower(media);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" || (lower.size() > 5 && lower.ends_with("+json"));
}
}  // namespace

std::optional<ApiResponse> check_generate_headers(const ApiRequest& request) {
  if (!is_json_content_type(request.content_type)) {
    return error_response(415, "Content-Type must be application/json");
  }
  if (request.idempotency_key.size() > 255 ||
      request.idempotency_key.find_first_of("\r\n\t\"") != std::string::npos) {
    return invalid_field("Idempotency-Key",
                         "Idempotency-Key must be at most 255 printable characters");
  }
  return std::nullopt;
}

protocol::AdmitArgs plan_admission(const AdmissionInput& in) {
  const GenerateRequest& req = in.request;
  const ModelInfo& model = *req.model;
  protocol::AdmitArgs a;
  a.credential = in.credential.kind == Credential::Kind::kApiKey
                     ? protocol::AdmitArgs::Credential::kApiKeyHash
                     : protocol::AdmitArgs::Credential::kUserId;
  a.ident = in.credential.ident;
  a.required_tier = tier_name(model.required_tier);
  a.cost = req.total_cost();
  a.now_ms = in.now_ms;
  a.rate_limit_per_min = in.config.rate_limit_per_min;
  a.max_queue_depth = in.config.max_queue_depth;
  a.job_ttl_s = in.config.job_ttl_s;
  a.idempotency_key = in.idempotency_key;
  a.body_sha256 = in.body_sha256;
  a.family = model.provider;
  a.require_worker = in.config.require_worker && !in.known_served;
  JobSpec& job = a.job;
  job.job_id = in.job_id;
  job.model = model.key;
  job.prompt = req.prompt;
  job.negative_prompt = req.negative_prompt;
  job.seed = req.seed;
  job.aspect_ratio = req.aspect_ratio;
  job.resolution = req.resolution;
  job.count = req.count;
  job.cost_per_image = req.cost_per_image;
  job.reply_channel = in.reply_channel;
  job.created_ms = in.now_ms;
  job.deadline_ms =
      in.now_ms + (in.asynchronous ? in.config.job_deadline_ms : in.config.wait_timeout_ms);
  job.request_id = in.request_id;
  job.webhook_url = req.webhook_url;
  return a;
}

std::string_view admit_verdict_name(protocol::AdmitVerdict v) {
  using protocol::AdmitVerdict;
  switch (v) {
    case AdmitVerdict::kAdmitted:
      return "admitted";
    case AdmitVerdict::kUnauthorized:
      return "unauthorized";
    case AdmitVerdict::kTierTooLow:
      return "tier";
    case AdmitVerdict::kModelUnavailable:
      return "unavailable";
    case AdmitVerdict::kRateLimited:
      return "rate";
    case AdmitVerdict::kOverloaded:
      return "overloaded";
    case AdmitVerdict::kInsufficientCredits:
      return "insufficient";
    case AdmitVerdict::kIdempotentReplay:
      return "idem";
    case AdmitVerdict::kIdempotencyMismatch:
      return "idem_mismatch";
  }
  return "other";
}

}  // namespace imagegen::api
