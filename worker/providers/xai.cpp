#include "worker/providers/xai.h"

#include <algorithm>

#include "common/base64.h"
#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/images_envelope.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

constexpr int kMaxN = 10;

// xAI answers either OpenAI's envelope {"error":{"message","code"}} or its own
// {"code":"...","error":"..."}.
ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view code = body.text({"/error/code", "/code"});
  const std::string_view message = body.text({"/error/message", "/error"});
  ProviderErrorKind kind = kind_for_status(r.status);
  const bool policy = code == "moderation_blocked" || icontains(message, "content policy") ||
                      icontains(message, "moderation") || icontains(message, "safety") ||
                      icontains(code, "content_policy");
  if ((r.status == 400 || r.status == 403) && policy) kind = ProviderErrorKind::kContentBlocked;
  // 403 also means "no credits left" on xAI; 429 with a quota code is the same thing.
  const bool no_money = icontains(message, "credit") || icontains(code, "quota") ||
                        icontains(message, "insufficient") || icontains(message, "billing");
  if ((r.status == 403 || r.status == 429 || r.status == 402) && no_money && !policy) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  return http_error(kind, r, describe_error(r.status, code, message));
}

}  // namespace

std::string_view xai_aspect_ratio(std::string_view ar) {
  if (ar == "21:9") return "20:9";
  if (ar == "4:5") return "3:4";
  if (ar == "5:4") return "4:3";
  if (ar == "1:1" || ar == "16:9" || ar == "9:16" || ar == "4:3" || ar == "3:4" || ar == "3:2" ||
      ar == "2:3") {
    return ar;
  }
  return "1:1";
}

int XaiFamily::max_images_per_call(const ModelInfo& model) const {
  return std::clamp(model.max_images_per_call, 1, kMaxN);
}

HttpRequest XaiFamily::build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                                     const ProviderEndpoint& endpoint) const {
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("prompt").value(job.prompt);
  w.key("n").value(std::clamp(images_in_call, 1, kMaxN));
  w.key("response_format").value("b64_json");
  w.key("aspect_ratio").value(xai_aspect_ratio(job.aspect_ratio));
  // Never size/quality/style: xAI answers 400 "Argument not supported".
  w.key("resolution").value(job.resolution == "2K" ? "2k" : "1k");
  w.end_object();

  return bearer_json_post(endpoint.base_url + "/v1/images/generations", endpoint.api_key, w.take());
}

ProviderParse XaiFamily::parse_response(const HttpResponse& r) const {
  static const ImagesEnvelope kShape{.mime_field = "mime_type"};
  return parse_images_answer(r, kShape, &error_response);
}

}  // namespace imagegen::worker
