#include "worker/providers/midjourney.h"

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

bool policy_words(std::string_view text) {
  for (std::string_view w : {"banned", "prohibited", "moderat", "nsfw", "inappropriate", "violat",
                             "filter", "blocked"}) {
    if (icontains(text, w)) return true;
  }
  return false;
}

bool money_words(std::string_view text) {
  return icontains(text, "insufficient") || icontains(text, "credit") || icontains(text, "quota") ||
         icontains(text, "balance");
}

ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view message = body.text({"/message"});
  const std::string_view detail = body.text({"/data/error/message", "/error/message"});
  const std::string text = std::string(message) + (detail.empty() ? "" : " " + std::string(detail));
  ProviderErrorKind kind = kind_for_status(r.status);
  if (r.status >= 400 && r.status < 500 && policy_words(text)) {
    kind = ProviderErrorKind::kContentBlocked;
  } else if ((r.status == 402 || r.status == 403 || r.status == 429) && money_words(text)) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  return http_error(kind, r, describe_error(r.status, "", text));
}

std::optional<std::size_t> dash_length(std::string_view s, std::size_t i) {
  // U+2013 en dash, U+2014 em dash, U+2015 horizontal bar: Midjourney (and phone keyboards)
  // turn them into "--".
  if (s.substr(i, 3) == "\xE2\x80\x93" || s.substr(i, 3) == "\xE2\x80\x94" ||
      s.substr(i, 3) == "\xE2\x80\x95") {
    return 3;
  }
  return std::nullopt;
}

}  // namespace

std::string midjourney_sanitize(std::string_view text) {
  std::string flat;
  flat.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (auto n = dash_length(text, i)) {
      flat += '-';
      i += *n;
      continue;
    }
    const char c = text[i++];
    flat += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  std::string out;
  out.reserve(flat.size());
  for (char c : flat) {
    // "--x" starts a flag and "::" a weight: a run of either collapses to one character.
    if ((c == '-' || c == ':') && !out.empty() && out.back() == c) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  const auto first = out.find_first_not_of(' ');
  return first == std::string::npos ? std::string() : out.substr(first);
}

std::string midjourney_prompt(const ModelInfo& model, const JobSpec& job) {
  std::string p = midjourney_sanitize(job.prompt);
  p += " --v " + model.upstream_id;
  p += " --ar " + (job.aspect_ratio.empty() ? std::string("1:1") : job.aspect_ratio);
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    const std::string no = midjourney_sanitize(job.negative_prompt);
    if (!no.empty()) p += " --no " + no;
  }
  if (model.seed && job.seed) p += " --seed " + std::to_string(*job.seed);
  return p;
}

namespace {

std::string request_body(const ModelInfo& model, const JobSpec& job, int) {
  JsonWriter w;
  w.begin_object();
  w.key("model").value("midjourney");
  w.key("task_type").value("imagine");
  w.key("input").begin_object();
  w.key("prompt").value(midjourney_prompt(model, job));
  w.key("process_mode").value("fast");
  w.end_object();
  w.end_object();
  return w.take();
}

ProviderError task_failure(const HttpResponse& r, JsonElement doc, std::string_view) {
  std::string why(json_str(doc["data"]["error"]["message"]));
  const std::string_view raw = json_str(doc["data"]["error"]["raw_message"]);
  if (!raw.empty()) why += " (" + std::string(raw) + ")";
  return make_provider_error(
      policy_words(why) ? ProviderErrorKind::kContentBlocked : ProviderErrorKind::kTransient,
      r.status, "task failed: " + why);
}

}  // namespace

AsyncTaskFamily midjourney_family() {
  AsyncTaskSpec s;
  s.name = "midjourney";
  s.max_images = 4;  // one imagine task makes a grid of four
  s.auth_header = "x-api-key";
  s.auth_prefix = "";
  s.submit_path = "/api/v1/task";
  s.body = &request_body;
  s.task_id_at = "/data/task_id";
  s.status_path = "/api/v1/task/{id}";
  s.state_at = "/data/status";
  s.states_ignore_case = true;
  s.done = {"completed"};
  s.failed = {"failed"};
  // pending, processing, staged (and whatever a gateway adds): still running.
  s.unlisted = UnlistedState::kPending;
  s.results_at = "/data/output/temporary_image_urls";
  s.error = &error_response;
  s.failure = &task_failure;
  return AsyncTaskFamily(std::move(s));
}

}  // namespace imagegen::worker
