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
  simdjson::dom::parser parser;
  JsonElement doc;
  std::string_view code, message;
  if (!parser.parse(r.body).get(doc)) {
    code = json_str(doc["code"]);
    message = json_str(doc["message"]);
  }
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

int DashScopeFamily::max_images_per_call(const ModelInfo& model) const {
  return std::clamp(model.max_images_per_call, 1, kMaxN);
}

HttpRequest DashScopeFamily::build_request(const ModelInfo& model, const JobSpec& job,
                                           int images_in_call,
                                           const ProviderEndpoint& endpoint) const {
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

  HttpRequest req;
  req.method = "POST";
  req.headers = bearer_json_headers(endpoint.api_key);
  if (async_) {
    req.url = endpoint.base_url + "/api/v1/services/aigc/image-generation/generation";
    req.headers.emplace_back("X-DashScope-Async", "enable");
  } else {
    req.url = endpoint.base_url + "/api/v1/services/aigc/multimodal-generation/generation";
  }
  req.body = w.take();
  return req;
}

ProviderParse DashScopeFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  if (const std::string_view code = json_str(doc["code"]); !code.empty()) {
    return http_error(kind_for_code(code, 500), r,
                      describe_error(r.status, code, json_str(doc["message"])));
  }
  JsonElement output;
  if (doc["output"].get(output)) return malformed_error(r.status, "response has no output");
  if (const std::string_view task = json_str(output["task_id"]); !task.empty()) {
    if (json_str(output["task_status"]) != "SUCCEEDED") {
      return ProviderFollowUp{"/api/v1/tasks/" + std::string(task), "poll", std::nullopt};
    }
  }
  return images_of(r, output);
}

HttpRequest DashScopeFamily::build_follow_up(const ProviderFollowUp& follow_up,
                                             const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "GET";
  req.url = resolve_url(endpoint, follow_up.url);
  req.headers = {{"Authorization", "Bearer " + endpoint.api_key}};
  return req;
}

ProviderParse DashScopeFamily::parse_follow_up(const HttpResponse& r,
                                               const ProviderFollowUp& follow_up) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status,
                           std::string("invalid poll JSON: ") + simdjson::error_message(err));
  }
  JsonElement output;
  if (doc["output"].get(output)) return malformed_error(r.status, "poll answer has no output");
  const std::string_view status = json_str(output["task_status"]);
  if (status == "PENDING" || status == "RUNNING") {
    return ProviderFollowUp{follow_up.url, follow_up.stage, std::nullopt};
  }
  if (status == "SUCCEEDED") return images_of(r, output);
  if (status == "FAILED") {
    const std::string_view code = json_str(output["code"]);
    return make_provider_error(
        kind_for_code(code, 500), r.status,
        "task FAILED " + std::string(code) + ": " + std::string(json_str(output["message"])));
  }
  // CANCELED, UNKNOWN (expired or unknown id): the task is gone; a new submit may work.
  return make_provider_error(ProviderErrorKind::kTransient, r.status,
                             "task status " + std::string(status.empty() ? "missing" : status));
}

}  // namespace imagegen::worker
