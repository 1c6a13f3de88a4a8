#pragma once
// The pure half of admission: header checks, and turning a validated request into the ADMIT
// script's arguments (the job spec included). No I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_config.h"
#include "api/api_types.h"
#include "api/auth.h"
#include "api/request_validation.h"
#include "common/protocol/admission.h"

namespace imagegen::api {

// 415 for a body that is not JSON, 400 for an unusable Idempotency-Key; nullopt when fine.
std::optional<ApiResponse> check_generate_headers(const ApiRequest& request);

struct AdmissionInput {
  const Credential& credential;
  const GenerateRequest& request;
  const ApiConfig& config;
  std::int64_t now_ms;
  std::string job_id;
  std::string reply_channel;  // this thread's, without keys::kDonePrefix
  std::string request_id;
  std::string idempotency_key;
  std::string body_sha256;
  bool asynchronous;  // Prefer given: the job runs to IMAGEGEN_JOB_DEADLINE_MS, not the wait
  // A fresh reading says a worker serves the model's family: the script need not count.
  bool known_served = false;
};

protocol::AdmitArgs plan_admission(const AdmissionInput& in);

// The metric label of a refusal ("tier", "rate", ...).
std::string_view admit_verdict_name(protocol::AdmitVerdict v);

}  // namespace imagegen::api
