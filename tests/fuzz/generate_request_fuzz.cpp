// validate_generate_request against the shipped catalog: any body either becomes a request the
// catalog can price, or a 400 whose body is valid JSON naming the error.
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "api/request_validation.h"
#include "api/responses.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const imagegen::Catalog& shipped_catalog() {
  static const imagegen::Catalog catalog = [] {
    auto c = imagegen::Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json");
    if (!c) {
      std::fprintf(stderr, "cannot load the shipped catalog: %s\n", c.error().message.c_str());
      std::abort();
    }
    return std::move(c.value());
  }();
  return catalog;
}

void check(const std::variant<imagegen::api::GenerateRequest, imagegen::api::RequestError>& r) {
  if (const auto* req = std::get_if<imagegen::api::GenerateRequest>(&r)) {
    FUZZ_CHECK(req->model != nullptr);
    FUZZ_CHECK(req->count >= 1 && req->count <= 4);
    FUZZ_CHECK(!req->prompt.empty());
    FUZZ_CHECK(req->model->allows_resolution(req->resolution));
    FUZZ_CHECK(req->model->allows_aspect_ratio(req->aspect_ratio));
    FUZZ_CHECK(req->cost_per_image > 0);
    FUZZ_CHECK(req->total_cost() == req->cost_per_image * req->count);
    FUZZ_CHECK(!req->seed || req->model->seed);
    return;
  }
  // Validation names the error; the 400 a client sees is built from it.
  const auto resp = imagegen::api::to_response(std::get<imagegen::api::RequestError>(r));
  FUZZ_CHECK(resp.status == 400);
  // The 400 body echoes client text (field values, model names): it must stay valid JSON.
  simdjson::dom::parser parser;
  std::string_view error;
  FUZZ_CHECK(parser.parse(resp.body).get_object()["error"].get_string().get(error) ==
             simdjson::SUCCESS);
  FUZZ_CHECK(!error.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& catalog = shipped_catalog();
  const imagegen::api::ValidationLimits limits{};
  // Both paths: a body the validator must copy, and one with simdjson's padding already there.
  std::string unpadded(reinterpret_cast<const char*>(data), size);
  unpadded.shrink_to_fit();
  check(imagegen::api::validate_generate_request(unpadded, catalog, limits));
  std::string padded;
  padded.reserve(size + simdjson::SIMDJSON_PADDING);
  padded.assign(reinterpret_cast<const char*>(data), size);
  check(imagegen::api::validate_generate_request(padded, catalog, limits));
  return 0;
}
