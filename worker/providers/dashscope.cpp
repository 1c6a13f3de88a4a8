#include "worker/providers/dashscope.h"

#include <algorithm>
#include <array>

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

constexpr int kMaxN = 4;

struct SizeRow {
  std::string_view ratio;
  PixelSize size;
};
constexpr std::array<SizeRow, 10> kSizes{{
    {"1:1", {1280, 1280}},
    {"16:9", {1696, 960}},
    {"9:16", {960, 1696}},
    {"4:3", {1472, 1104}},
    {"3:4", {1104, 1472}},
    {"3:2", {1584, 1056}},
    {"2:3", {1056, 1584}},
    {"4:5", {1152, 1440}},
    {"5:4", {1440, 1152}},
    {"21:9", {2016, 864}},
}};

ProviderErrorKind kind_for_code(std::string_view code, int status) {
  // DataInspectionFailed: input or output moderation. IPInfringementSuspect: same policy family.
  if (code == "DataInspectionFailed" || code == "IPInfringementSuspect" ||
      code.starts_with("DataInspection")) {
    return ProviderErrorKind::kContentBlocked;
  }
  if (code.starts_with("Throttling")) return ProviderErrorKind::kRateLimited;
  if (code == "Arrearage") return ProviderErrorKind::kQuotaExhausted;  // account overdue
  if (code == "InvalidApiKey") return ProviderErrorKind::kAuth;
  return kind_for_status(status);
}

ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view code = body.text({"/code"});
  const std::string_view message = body.text({"/message"});
  return http_error(kind_for_code(code, r.status), r, describe_error(r.status, code, message));
}

// Sync answers and finished async tasks: output.choices[].message.content[].image.
// (Older wan versions put them in output.results[].url.)
ProviderParse images_of(const HttpResponse& r, JsonElement output) {
  ProviderImages out;
  simdjson::dom::array choices;
  if (!output["choices"].get(choices)) {
    for (JsonElement choice : choices) {
      simdjson::dom::array content;
      if (choice["message"]["content"].get(content)) continue;
      for (JsonElement item : content) {
        if (const std::string_view url = json_str(item["image"]); is_http_url(url)) {
          out.urls.emplace_back(url);
        }
      }
    }
  }
  simdjson::dom::array results;
  if (out.urls.empty() && !output["results"].get(results)) {
    for (JsonElement item : results) {
      if (const std::string_view url = json_str(item["url"]); is_http_url(url)) {
        out.urls.emplace_back(url);
      }
    }
  }
  if (out.urls.empty()) return malformed_error(r.status, "response has no image URLs");
  return out;
}

}  // namespace

PixelSize dashscope_size(std::string_view ratio) {
  for (const SizeRow& row : kSizes) {
    if (row.ratio == ratio) return row.size;
  }
  return kSizes[0].size;
}

namespace {

std::string request_body(const ModelInfo& model, const JobSpec& job, int images_in_call) {
  const PixelSize size = dashscope_size(job.aspect_ratio);
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("input").begin_object().key("messages").begin_array().begin_object();
  w.key("role").value("user");
  w.key("content").begin_array().begin_object().key("text").value(job.prompt).end_object();
  w.end_array().end_object().end_array().end_object();
  w.key("parameters").begin_object();
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    w.key("negative_prompt").value(job.negative_prompt);
  }
  w.key("size").value(std::to_string(size.width) + "*" + std::to_string(size.height));
  w.key("n").value(std::clamp(images_in_call, 1, kMaxN));  // upstream default is 4, all billed
  w.key("prompt_extend").value(false);  // default true: slower, rewrites the prompt
  w.key("watermark").value(false);
  if (model.seed && job.seed) w.key("seed").value(*job.seed);
  w.end_object();
  w.end_object();
  return w.take();
}

// A 200 can still carry an error code.
std::optional<ProviderError> envelope(const HttpResponse& r, JsonElement doc) {
  const std::string_view code = json_str(doc["code"]);
  if (code.empty()) return std::nullopt;
  return http_error(kind_for_code(code, 500), r,
                    describe_error(r.status, code, json_str(doc["message"])));
}

// The synchronous endpoint (and an async task finished at once) answers with the images.
std::optional<ProviderParse> submitted(const HttpResponse& r, JsonElement doc) {
  JsonElement output;
  if (doc["output"].get(output)) return malformed_error(r.status, "response has no output");
  if (!json_str(output["task_id"]).empty() && json_str(output["task_status"]) != "SUCCEEDED") {
    return std::nullopt;
  }
  return images_of(r, output);
}

ProviderError task_failure(const HttpResponse& r, JsonElement doc, std::string_view) {
  const std::string_view code = json_str(doc["output"]["code"]);
  return make_provider_error(
      kind_for_code(code, 500), r.status,
      "task FAILED " + std::string(code) + ": " + std::string(json_str(doc["output"]["message"])));
}

}  // namespace

AsyncTaskFamily dashscope_family(bool async) {
  AsyncTaskSpec s;
  s.name = "dashscope";
  s.max_images = kMaxN;
  s.model_sets_batch = true;
  if (async) {
    s.submit_path = "/api/v1/services/aigc/image-generation/generation";
    s.submit_headers = {{"X-DashScope-Async", "enable"}};
  } else {
    s.submit_path = "/api/v1/services/aigc/multimodal-generation/generation";
  }
  s.body = &request_body;
  s.task_id_at = "/output/task_id";
  s.status_path = "/api/v1/tasks/{id}";
  s.state_at = "/output/task_status";
  s.pending = {"PENDING", "RUNNING"};
  s.done = {"SUCCEEDED"};
  s.failed = {"FAILED"};
  // CANCELED, UNKNOWN (expired or unknown id): the task is gone; a new submit may work.
  s.unlisted = UnlistedState::kGone;
  s.missing = UnlistedState::kGone;
  s.error = &error_response;
  s.envelope = &envelope;
  s.submitted = &submitted;
  s.results = [](const HttpResponse& r, JsonElement doc) {
    return images_of(r, doc["output"].value_unsafe());
  };
  s.failure = &task_failure;
  return AsyncTaskFamily(std::move(s));
}

}  // namespace imagegen::worker
