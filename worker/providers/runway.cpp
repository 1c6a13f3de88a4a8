#include "worker/providers/runway.h"

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

// 400 bodies: {"error":"...","issues":[...]}; others {"error":"..."}.
ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view message = body.text({"/error", "/message"});
  ProviderErrorKind kind = kind_for_status(r.status);
  // A create refused for spend or daily caps is an empty account, not a busy one.
  if (r.status == 429 && (icontains(message, "credit") || icontains(message, "spend") ||
                          icontains(message, "daily"))) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  if (r.status == 400 &&
      (icontains(message, "content moderation") || icontains(message, "safety"))) {
    kind = ProviderErrorKind::kContentBlocked;
  }
  return http_error(kind, r, describe_error(r.status, "", message));
}

}  // namespace

std::string_view runway_ratio(std::string_view ar) {
  if (ar == "16:9") return "1920:1080";
  if (ar == "9:16") return "1080:1920";
  if (ar == "4:3" || ar == "3:2" || ar == "5:4") return "1440:1080";
  if (ar == "3:4" || ar == "2:3" || ar == "4:5") return "1080:1440";
  if (ar == "21:9") return "2112:912";
  return "1024:1024";
}

namespace {

std::string request_body(const ModelInfo& model, const JobSpec& job, int) {
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("promptText").value(job.prompt);
  w.key("ratio").value(runway_ratio(job.aspect_ratio));
  if (model.seed && job.seed) w.key("seed").value(*job.seed);
  w.end_object();
  return w.take();
}

ProviderError task_failure(const HttpResponse& r, JsonElement doc, std::string_view) {
  const std::string_view code = json_str(doc["failureCode"]);
  const std::string text =
      "task FAILED " + std::string(code) + ": " + std::string(json_str(doc["failure"]));
  // SAFETY.INPUT.* / SAFETY.OUTPUT.*: moderation. ASSET.INVALID: our input is wrong. The rest
  // (INTERNAL*, THIRD_PARTY.*, INPUT_PREPROCESSING.INTERNAL) may work on a new submit.
  if (code.starts_with("SAFETY")) {
    return make_provider_error(ProviderErrorKind::kContentBlocked, r.status, text);
  }
  if (code.starts_with("ASSET")) {
    return make_provider_error(ProviderErrorKind::kBadRequest, r.status, text);
  }
  return make_provider_error(ProviderErrorKind::kTransient, r.status, text);
}

}  // namespace

AsyncTaskFamily runway_family() {
  AsyncTaskSpec s;
  s.name = "runway";
  s.every_call_headers = {{"X-Runway-Version", std::string(kRunwayVersion)}};
  s.submit_path = "/v1/text_to_image";
  s.body = &request_body;
  s.task_id_at = "/id";
  s.status_path = "/v1/tasks/{id}";
  s.state_at = "/status";
  // THROTTLED: accepted, waiting for a concurrency slot. Not an error.
  s.pending = {"PENDING", "THROTTLED", "RUNNING"};
  s.done = {"SUCCEEDED"};
  s.failed = {"FAILED"};
  // CANCELLED (someone deleted the task) or a status we do not know: not coming back.
  s.unlisted = UnlistedState::kGone;
  s.results_at = "/output";
  s.cancel_method = "DELETE";
  s.cancel_path = "/v1/tasks/{id}";
  s.error = &error_response;
  s.failure = &task_failure;
  return AsyncTaskFamily(std::move(s));
}

}  // namespace imagegen::worker
