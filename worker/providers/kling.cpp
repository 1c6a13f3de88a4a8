#include "worker/providers/kling.h"

#include <algorithm>

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

constexpr int kMaxN = 9;

// Parses the envelope; nullopt when it says OK (code 0) with a data object.
std::optional<ProviderError> envelope_error(const HttpResponse& r, JsonElement doc) {
  const auto code = json_int(doc["code"]);
  const std::string_view message = json_str(doc["message"]);
  const bool http_ok = r.status >= 200 && r.status <= 299;
  if (http_ok && code == 0) return std::nullopt;
  const std::int64_t c = code.value_or(-1);
  ProviderErrorKind kind = kling_error_kind(c, http_ok ? 500 : r.status);
  return http_error(kind, r,
                    describe_error(r.status, code ? "code " + std::to_string(c) : "", message));
}

}  // namespace

std::string_view kling_aspect_ratio(std::string_view ar) {
  if (ar == "4:5") return "3:4";
  if (ar == "5:4") return "4:3";
  if (ar == "16:9" || ar == "9:16" || ar == "1:1" || ar == "4:3" || ar == "3:4" || ar == "3:2" ||
      ar == "2:3" || ar == "21:9") {
    return ar;
  }
  return "1:1";
}

ProviderErrorKind kling_error_kind(std::int64_t code, int http_status) {
  if (code >= 1000 && code <= 1004) return ProviderErrorKind::kAuth;  // token bad/expired
  // 1100-1102: arrears, resource pack exhausted or expired. A 429 that must not be retried.
  if (code >= 1100 && code <= 1102) return ProviderErrorKind::kQuotaExhausted;
  if (code == 1103 || code == 1304) return ProviderErrorKind::kAuth;  // no permission, IP list
  if (code >= 1200 && code <= 1203) return ProviderErrorKind::kBadRequest;
  if (code == 1301) return ProviderErrorKind::kContentBlocked;  // content safety
  if (code == 1300) return ProviderErrorKind::kBadRequest;      // platform policy
  if (code == 1302 || code == 1303) return ProviderErrorKind::kRateLimited;
  if (code >= 5000 && code <= 5002) return ProviderErrorKind::kTransient;
  return kind_for_status(http_status);
}

namespace {

std::string request_body(const ModelInfo& model, const JobSpec& job, int images_in_call) {
  JsonWriter w;
  w.begin_object();
  w.key("model_name").value(model.upstream_id);
  w.key("prompt").value(job.prompt);
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    w.key("negative_prompt").value(job.negative_prompt);
  }
  w.key("resolution").value(job.resolution == "2K" ? "2k" : "1k");
  w.key("n").value(std::clamp(images_in_call, 1, kMaxN));
  w.key("aspect_ratio").value(kling_aspect_ratio(job.aspect_ratio));
  w.end_object();
  return w.take();
}

// Non-2xx: the envelope's code decides when there is one, else the status.
ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  JsonElement doc;
  if (parser.parse(r.body).get(doc)) {
    return http_error(kind_for_status(r.status), r, describe_error(r.status, "", ""));
  }
  return *envelope_error(r, doc);
}

ProviderError task_failure(const HttpResponse& r, JsonElement doc, std::string_view) {
  const std::string_view why = json_str(doc["data"]["task_status_msg"]);
  // Kling words safety failures as risk-control or sensitive-content messages.
  const bool policy = icontains(why, "risk") || icontains(why, "sensitive") ||
                      icontains(why, "safety") || icontains(why, "policy");
  return make_provider_error(
      policy ? ProviderErrorKind::kContentBlocked : ProviderErrorKind::kTransient, r.status,
      "task failed: " + std::string(why));
}

}  // namespace

AsyncTaskFamily kling_family(jwt::IssuerTokenCache::UnixSeconds now) {
  // The cache is shared by copies of the family: one token per key pair, reused until near expiry.
  auto tokens = std::make_shared<jwt::IssuerTokenCache>(std::move(now));
  AsyncTaskSpec s;
  s.name = "kling";
  s.max_images = kMaxN;
  s.model_sets_batch = true;
  s.credential = [tokens](const ProviderEndpoint& endpoint) {
    return tokens->token(endpoint.api_key, endpoint.secret_key);
  };
  s.submit_path = "/v1/images/generations";
  s.body = &request_body;
  s.task_id_at = "/data/task_id";
  s.status_path = "/v1/images/generations/{id}";
  s.state_at = "/data/task_status";
  s.pending = {"submitted", "processing"};
  s.done = {"succeed"};
  s.failed = {"failed"};
  s.unlisted = UnlistedState::kMalformed;
  s.results_at = "/data/task_result/images";
  s.result_field = "url";
  s.error = &error_response;
  s.envelope = &envelope_error;
  s.failure = &task_failure;
  return AsyncTaskFamily(std::move(s));
}

}  // namespace imagegen::worker
