#include "common/protocol/admission.h"

#include <algorithm>

#include "common/config.h"
#include "common/job_codec.h"

namespace imagegen::protocol {

std::int64_t record_expiry_s(const AdmitArgs& a) {
  const std::int64_t until_deadline_ms = std::max<std::int64_t>(0, a.job.deadline_ms - a.now_ms);
  return a.job_ttl_s + (until_deadline_ms + 999) / 1000;
}

std::vector<std::string> admit_argv(const AdmitArgs& a) {
  std::vector<std::string> v;
  v.reserve(19);
  v.emplace_back(a.credential == AdmitArgs::Credential::kApiKeyHash ? "key" : "user");
  v.push_back(a.ident);
  v.push_back(a.required_tier);
  v.push_back(std::to_string(a.cost));
  v.push_back(std::to_string(a.now_ms));
  v.push_back(std::to_string(a.rate_limit_per_min));
  v.push_back(std::to_string(a.max_queue_depth));
  v.push_back(std::to_string(record_expiry_s(a)));
  v.push_back(a.idempotency_key);
  v.push_back(a.idempotency_key.empty() ? std::string() : a.body_sha256);
  v.push_back(a.job.model);
  v.push_back(a.family);
  v.emplace_back(a.require_worker ? "1" : "0");
  v.push_back(std::to_string(a.job.deadline_ms));
  // The record's own fields (SETTLE reads them one by one), then the whole spec as one value.
  v.push_back(a.job.job_id);
  v.push_back(std::to_string(a.job.cost_per_image));
  v.push_back(a.job.reply_channel);
  v.push_back(a.job.webhook_url);
  v.push_back(encode_job_spec(a.job));
  return v;
}

namespace {
Error short_reply(std::string_view verdict) {
  return make_error(Errc::kProtocol, "admit reply '" + std::string(verdict) + "' is too short");
}
}  // namespace

Result<AdmitReply> decode_admit_reply(std::span<const std::string> r) {
  if (r.empty()) return make_error(Errc::kProtocol, "empty admit reply");
  const std::string& v = r[0];
  AdmitReply out;
  if (r.size() > 1) out.user_id = r[1];
  auto need = [&](std::size_t n) { return r.size() >= n; };
  auto number = [&](std::size_t i, std::int64_t lo,
                    std::int64_t hi) -> std::optional<std::int64_t> {
    auto n = parse_int(r[i], lo, hi);
    return n ? std::optional<std::int64_t>(*n) : std::nullopt;
  };
  if (v == "ok" || v == "insufficient") {
    if (!need(3)) return short_reply(v);
    auto b = number(2, INT64_MIN, INT64_MAX);
    if (!b) return make_error(Errc::kProtocol, "admit reply balance is not a number");
    out.balance = *b;
    out.verdict = v == "ok" ? AdmitVerdict::kAdmitted : AdmitVerdict::kInsufficientCredits;
  } else if (v == "unauthorized") {
    out.verdict = AdmitVerdict::kUnauthorized;
  } else if (v == "tier") {
    out.verdict = AdmitVerdict::kTierTooLow;
  } else if (v == "unavailable") {
    if (!need(3)) return short_reply(v);
    out.verdict = AdmitVerdict::kModelUnavailable;
    out.unavailable_reason = r[2];
  } else if (v == "rate") {
    if (!need(3)) return short_reply(v);
    auto s = number(2, 0, 3600);
    if (!s) return make_error(Errc::kProtocol, "admit reply retry-after is not a number");
    out.verdict = AdmitVerdict::kRateLimited;
    out.retry_after_s = static_cast<int>(*s);
  } else if (v == "overloaded") {
    out.verdict = AdmitVerdict::kOverloaded;
  } else if (v == "idem") {
    if (!need(3) || r[2].empty()) return short_reply(v);
    out.verdict = AdmitVerdict::kIdempotentReplay;
    out.replay_job_id = r[2];
  } else if (v == "idem_mismatch") {
    out.verdict = AdmitVerdict::kIdempotencyMismatch;
  } else {
    return make_error(Errc::kProtocol, "unknown admit verdict '" + v + "'");
  }
  return out;
}

}  // namespace imagegen::protocol
