#pragma once
// The ADMIT script's typed arguments and reply (common/lua_scripts.cpp runs it). Pure: the api
// builds an AdmitArgs, sends admit_argv() and reads decode_admit_reply.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/job_spec.h"
#include "common/result.h"

namespace imagegen::protocol {

struct AdmitArgs {
  enum class Credential { kApiKeyHash, kUserId } credential = Credential::kApiKeyHash;
  std::string ident;          // SHA-256 hex of the API key, or the JWT's user id
  std::string required_tier;  // "free" | "pro"
  std::int64_t cost = 0;
  std::int64_t now_ms = 0;
  std::int64_t rate_limit_per_min = 0;  // 0 = off
  std::int64_t max_queue_depth = 0;     // 0 = off
  std::int64_t job_ttl_s = 0;
  std::string idempotency_key;  // "" = none
  std::string body_sha256;      // compared on an idempotent retry
  std::string family;           // the model's provider family (availability)
  bool require_worker = true;   // refuse when no live worker serves the family
  JobSpec job;                  // job_id, model, deadline_ms, ... (user_id is learned)
};

std::vector<std::string> admit_argv(const AdmitArgs& a);

// The job record's expiry (EXPIRE seconds from now) ADMIT sets: every job is settled by its
// deadline at the latest, and stays readable for job_ttl_s after that.
std::int64_t record_expiry_s(const AdmitArgs& a);

enum class AdmitVerdict {
  kAdmitted,
  kUnauthorized,
  kTierTooLow,
  kModelUnavailable,
  kRateLimited,
  kOverloaded,
  kInsufficientCredits,
  kIdempotentReplay,
  kIdempotencyMismatch,
};

struct AdmitReply {
  AdmitVerdict verdict = AdmitVerdict::kUnauthorized;
  std::string user_id;
  std::int64_t balance = 0;        // admitted: after the hold; insufficient: available
  int retry_after_s = 0;           // rate limited
  std::string replay_job_id;       // idempotent replay: the first request's job
  std::string unavailable_reason;  // "disabled" | "no_worker"
};

// The script's reply as strings (nil -> "", integer -> decimal). Unknown verdicts and missing
// fields are kProtocol.
Result<AdmitReply> decode_admit_reply(std::span<const std::string> reply);

}  // namespace imagegen::protocol
