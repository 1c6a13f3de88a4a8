#include "worker/providers/bfl.h"

#include <cmath>

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

constexpr std::string_view kPoll = "poll";

ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  JsonElement doc;
  std::string_view code, message;
  std::optional<std::int64_t> retry_after_s;
  if (!parser.parse(r.body).get(doc)) {
    code = json_str(doc["error"]);
    message = json_str(doc["message"]);
    if (message.empty()) message = json_str(doc["detail"]);  // FastAPI-style 4xx
    if (message.empty()) message = json_str(doc["detail"].at(0)["msg"]);
    retry_after_s = json_int(doc["retry_after"]);
  }
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

HttpRequest BflFamily::build_request(const ModelInfo& model, const JobSpec& job, int,
                                     const ProviderEndpoint& endpoint) const {
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

  HttpRequest req;
  req.method = "POST";
  req.url = endpoint.base_url + "/v1/" + model.upstream_id;
  req.headers = {{"Content-Type", "application/json"}, {"x-key", endpoint.api_key}};
  req.body = w.take();
  return req;
}

ProviderParse BflFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  // Always the returned polling_url: it may name another (regional) host.
  const std::string_view polling_url = json_str(doc["polling_url"]);
  if (!is_http_url(polling_url))
    return malformed_error(r.status, "submit answer has no polling_url");
  return ProviderFollowUp{std::string(polling_url), std::string(kPoll), std::nullopt};
}

HttpRequest BflFamily::build_follow_up(const ProviderFollowUp& follow_up,
                                       const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "GET";
  req.url = resolve_url(endpoint, follow_up.url);
  req.headers = {{"x-key", endpoint.api_key}};
  return req;
}

ProviderParse BflFamily::parse_follow_up(const HttpResponse& r,
                                         const ProviderFollowUp& follow_up) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status,
                           std::string("invalid poll JSON: ") + simdjson::error_message(err));
  }
  const std::string_view status = json_str(doc["status"]);
  if (status.empty()) return malformed_error(r.status, "poll answer has no status");
  if (iequals(status, "Ready")) {
    const std::string_view sample = json_str(doc["result"]["sample"]);
    if (!is_http_url(sample)) return malformed_error(r.status, "Ready without result.sample");
    ProviderImages out;
    out.urls.emplace_back(sample);
    return out;
  }
  if (iequals(status, "Request Moderated") || iequals(status, "Content Moderated")) {
    return make_provider_error(ProviderErrorKind::kContentBlocked, r.status,
                               "task status " + std::string(status));
  }
  // The task is gone or broke: a new submit may work.
  if (iequals(status, "Error") || iequals(status, "Failed") || iequals(status, "Task not found")) {
    return make_provider_error(ProviderErrorKind::kTransient, r.status,
                               "task status " + std::string(status));
  }
  // Pending, and whatever else clients have seen (Queued, Processing): still running.
  return ProviderFollowUp{follow_up.url, follow_up.stage, std::nullopt};
}

}  // namespace imagegen::worker
