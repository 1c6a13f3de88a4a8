#include "worker/providers/bfl.h"

#include <cmath>

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view code = body.text({"/error"});
  // FastAPI-style 4xx: `detail`, a string or a list of {msg}.
  const std::string_view message = body.text({"/message", "/detail", "/detail/0/msg"});
  const std::optional<std::int64_t> retry_after_s = body.integer("/retry_after");
  ProviderErrorKind kind = kind_for_status(r.status);
  if (r.status == 402) kind = ProviderErrorKind::kQuotaExhausted;  // out of credits
  // BFL's 429 means "too many active tasks": retryable once some finish.
  ProviderError err = http_error(kind, r, describe_error(r.status, code, message));
  if (!err.retry_after && retry_after_s && kind == ProviderErrorKind::kRateLimited) {
    err.retry_after = std::chrono::seconds(*retry_after_s);
  }
  return err;
}

}  // namespace

PixelSize bfl_dimensions(std::string_view aspect_ratio, std::string_view resolution) {
  const double target = resolution == "1K" ? 1024.0 * 1024.0 : 2048.0 * 2048.0;
  const auto ratio = parse_aspect_ratio(aspect_ratio).value_or(std::make_pair(1, 1));
  const double r = static_cast<double>(ratio.first) / ratio.second;
  auto down32 = [](double v) { return std::max(64, static_cast<int>(v / 32.0) * 32); };
  // Small epsilon: sqrt of an exact square must not land a hair below it.
  return PixelSize{down32(std::sqrt(target * r) + 1e-9), down32(std::sqrt(target / r) + 1e-9)};
}

namespace {

std::string request_body(const ModelInfo& model, const JobSpec& job, int) {
  const PixelSize size = bfl_dimensions(job.aspect_ratio, job.resolution);
  JsonWriter w;
  w.begin_object();
  w.key("prompt").value(job.prompt);
  w.key("width").value(size.width);
  w.key("height").value(size.height);
  if (model.seed && job.seed) w.key("seed").value(*job.seed);
  // BFL defaults to jpeg; we store what we were given, so ask for the lossless one.
  w.key("output_format").value("png");
  w.end_object();
  return w.take();
}

ProviderError task_failure(const HttpResponse& r, JsonElement, std::string_view status) {
  const bool moderated =
      iequals(status, "Request Moderated") || iequals(status, "Content Moderated");
  // Error / Failed / Task not found: the task is gone or broke, a new submit may work.
  return make_provider_error(
      moderated ? ProviderErrorKind::kContentBlocked : ProviderErrorKind::kTransient, r.status,
      "task status " + std::string(status));
}

}  // namespace

AsyncTaskFamily bfl_family() {
  AsyncTaskSpec s;
  s.name = "bfl";
  s.auth_header = "x-key";
  s.auth_prefix = "";
  s.submit_path = "/v1/{model}";
  s.body = &request_body;
  s.task_id_at = "/id";
  s.poll_url_at = "/polling_url";
  s.state_at = "/status";
  s.states_ignore_case = true;
  s.done = {"Ready"};
  s.failed = {"Request Moderated", "Content Moderated", "Error", "Failed", "Task not found"};
  // Pending, and whatever else clients have seen (Queued, Processing): still running.
  s.unlisted = UnlistedState::kPending;
  // result.sample expires after 10 minutes: the caller downloads it at once.
  s.results_at = "/result/sample";
  s.error = &error_response;
  s.failure = &task_failure;
  return AsyncTaskFamily(std::move(s));
}

}  // namespace imagegen::worker
