#include "worker/providers/byteplus.h"

#include <algorithm>
#include <array>

#include "common/base64.h"
#include "common/json_writer.h"
#include "worker/providers/family_util.h"
#include "worker/providers/images_envelope.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

struct SizeRow {
  std::string_view ratio;
  PixelSize k1, k2, k4;
};

// 2K: BytePlus' recommended sizes; 1K: the 4.0 table; 4K: 2K doubled (4:5 and 5:4 shrunk to
// stay under 4096*4096 px).
constexpr std::array<SizeRow, 10> kSizes{{
    {"1:1", {1024, 1024}, {2048, 2048}, {4096, 4096}},
    {"4:3", {1152, 864}, {2304, 1728}, {4608, 3456}},
    {"3:4", {864, 1152}, {1728, 2304}, {3456, 4608}},
    {"16:9", {1312, 736}, {2560, 1440}, {5120, 2880}},
    {"9:16", {736, 1312}, {1440, 2560}, {2880, 5120}},
    {"3:2", {1248, 832}, {2496, 1664}, {4992, 3328}},
    {"2:3", {832, 1248}, {1664, 2496}, {3328, 4992}},
    {"21:9", {1568, 672}, {3024, 1296}, {6048, 2592}},
    {"4:5", {896, 1120}, {1856, 2304}, {3648, 4560}},
    {"5:4", {1120, 896}, {2304, 1856}, {4560, 3648}},
}};

bool sensitive(std::string_view code) { return code.ends_with("SensitiveContentDetected"); }

ProviderError error_response(const HttpResponse& r) {
  const ErrorBody body(r.body);
  const std::string_view code = body.text({"/error/code"});
  const std::string_view message = body.text({"/error/message"});
  ProviderErrorKind kind = kind_for_status(r.status);
  if (sensitive(code)) kind = ProviderErrorKind::kContentBlocked;
  // Ark: QuotaExceeded / AccountOverdueError are an empty account, not a busy one.
  if (icontains(code, "QuotaExceeded") || icontains(code, "Overdue")) {
    kind = ProviderErrorKind::kQuotaExhausted;
  }
  return http_error(kind, r, describe_error(r.status, code, message));
}

}  // namespace

PixelSize byteplus_size(std::string_view ratio, std::string_view resolution, bool min_2k) {
  const SizeRow* row = &kSizes[0];
  for (const SizeRow& r : kSizes) {
    if (r.ratio == ratio) row = &r;
  }
  if (resolution == "4K") return row->k4;
  if (resolution == "2K" || min_2k) return row->k2;
  return row->k1;
}

HttpRequest BytePlusFamily::build_request(const ModelInfo& model, const JobSpec& job, int,
                                          const ProviderEndpoint& endpoint) const {
  // (ModelInfo::allows_resolution lives in the catalog library, which this one does not link.)
  const bool has_1k = std::find(model.resolutions.begin(), model.resolutions.end(), "1K") !=
                      model.resolutions.end();
  const PixelSize size = byteplus_size(job.aspect_ratio, job.resolution, !has_1k);
  JsonWriter w;
  w.begin_object();
  w.key("model").value(model.upstream_id);
  w.key("prompt").value(job.prompt);
  w.key("size").value(std::to_string(size.width) + "x" + std::to_string(size.height));
  // "auto" lets the model pick how many images to make; we need exactly one per call.
  w.key("sequential_image_generation").value("disabled");
  w.key("response_format").value("b64_json");
  w.key("watermark").value(false);  // upstream default is true
  w.key("stream").value(false);
  w.end_object();

  return bearer_json_post(endpoint.base_url + "/api/v3/images/generations", endpoint.api_key,
                          w.take());
}

ProviderParse BytePlusFamily::parse_response(const HttpResponse& r) const {
  static const ImagesEnvelope kShape{.default_mime = "image/jpeg", .entry_refused = &sensitive};
  return parse_images_answer(r, kShape, &error_response);
}

}  // namespace imagegen::worker
