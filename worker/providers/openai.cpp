#include "worker/providers/openai.h"

#include <algorithm>

#include "common/base64.h"
#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/images_envelope.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

constexpr int kMaxN = 10;  // the API's own cap on `n`

ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view code = body.text({"/error/code"});
  const std::string_view type = body.text({"/error/type"});
  const std::string_view message = body.text({"/error/message"});

  ProviderErrorKind kind = kind_for_status(r.status);
  if (r.status == 400 && code == "moderation_blocked") kind = ProviderErrorKind::kContentBlocked;
  // Both 429s look alike; only the code tells an empty account from a busy one.
  if (r.status == 429 && (code == "insufficient_quota" || type == "insufficient_quota")) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  return http_error(kind, r, describe_error(r.status, code, message));
}

}  // namespace

std::string_view openai_size_for(std::string_view ar) {
  if (ar == "3:2" || ar == "16:9" || ar == "4:3" || ar == "5:4" || ar == "21:9") return "1536x1024";
  if (ar == "2:3" || ar == "9:16" || ar == "3:4" || ar == "4:5") return "1024x1536";
  return "1024x1024";  // 1:1, and anything the api should have refused already
}

int OpenAiFamily::max_images_per_call(const ModelInfo& model) const {
  return std::clamp(model.max_images_per_call, 1, kMaxN);
}

HttpRequest OpenAiFamily::build_request(const ModelInfo& model, const JobSpec& job,
                                        int images_in_call,
                                        const ProviderEndpoint& endpoint) const {
  // No negative-prompt field upstream; fold it only where the catalog says the model takes one.
  std::string prompt = job.prompt;
  if (model.negative_prompt && !job.negative_prompt.empty()) {
    prompt += "\n\nAvoid: " + job.negative_prompt;
  }
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("prompt").value(prompt);
  w.key("n").value(std::clamp(images_in_call, 1, kMaxN));
  w.key("size").value(openai_size_for(job.aspect_ratio));
  w.key("output_format").value("png");
  w.end_object();

  return bearer_json_post(endpoint.base_url + "/images/generations", endpoint.api_key, w.take());
}

ProviderParse OpenAiFamily::parse_response(const HttpResponse& r) const {
  // Always base64 (b64_json); output_format echoes what we asked for, png is also the default.
  static const ImagesEnvelope kShape{
      .format_field = "output_format", .default_mime = "image/png", .urls = false};
  return parse_images_answer(r, kShape, &error_response);
}

}  // namespace imagegen::worker
