#include "worker/providers/runway.h"

#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

HeaderList runway_headers(const ProviderEndpoint& endpoint, bool json) {
  HeaderList h;
  if (json) h.emplace_back("Content-Type", "application/json");
  h.emplace_back("Authorization", "Bearer " + endpoint.api_key);
  h.emplace_back("X-Runway-Version", std::string(kRunwayVersion));
  return h;
}

// 400 bodies: {"error":"...","issues":[...]}; others {"error":"..."}.
ProviderError error_response(const HttpResponse& r) {
  simdjson::dom::parser parser;
  JsonElement doc;
  std::string_view message;
  if (!parser.parse(r.body).get(doc)) {
    message = json_str(doc["error"]);
    if (message.empty()) message = json_str(doc["message"]);
  }
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

HttpRequest RunwayFamily::build_request(const ModelInfo& model, const JobSpec& job, int,
                                        const ProviderEndpoint& endpoint) const {
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("promptText").value(job.prompt);
  w.key("ratio").value(runway_ratio(job.aspect_ratio));
  if (model.seed && job.seed) w.key("seed").value(*job.seed);
  w.end_object();

  HttpRequest req;
  req.method = "POST";
  req.url = endpoint.base_url + "/v1/text_to_image";
  req.headers = runway_headers(endpoint, true);
  req.body = w.take();
  return req;
}

ProviderParse RunwayFamily::parse_response(const HttpResponse& r) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  const std::string_view id = json_str(doc["id"]);
  if (id.empty()) return malformed_error(r.status, "submit answer has no id");
  return ProviderFollowUp{"/v1/tasks/" + std::string(id), "poll", std::nullopt};
}

HttpRequest RunwayFamily::build_follow_up(const ProviderFollowUp& follow_up,
                                          const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "GET";
  req.url = resolve_url(endpoint, follow_up.url);
  req.headers = runway_headers(endpoint, false);
  return req;
}

ProviderParse RunwayFamily::parse_follow_up(const HttpResponse& r,
                                            const ProviderFollowUp& follow_up) const {
  if (r.status < 200 || r.status > 299) return error_response(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status,
                           std::string("invalid poll JSON: ") + simdjson::error_message(err));
  }
  const std::string_view status = json_str(doc["status"]);
  // THROTTLED: accepted, waiting for a concurrency slot. Not an error.
  if (status == "PENDING" || status == "THROTTLED" || status == "RUNNING") {
    return ProviderFollowUp{follow_up.url, follow_up.stage, std::nullopt};
  }
  if (status == "SUCCEEDED") {
    const std::string_view url = json_str(doc["output"].at(0));
    if (!is_http_url(url)) return malformed_error(r.status, "SUCCEEDED without output[0]");
    ProviderImages out;
    out.urls.emplace_back(url);
    return out;
  }
  if (status == "FAILED") {
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
  if (status.empty()) return malformed_error(r.status, "poll answer has no status");
  // CANCELLED (someone deleted the task) or a status we do not know: the task is not coming back.
  return make_provider_error(ProviderErrorKind::kTransient, r.status,
                             "task status " + std::string(status));
}

}  // namespace imagegen::worker
