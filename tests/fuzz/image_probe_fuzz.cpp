// The worker only stores and bills for bytes these accept, and the bytes come from providers.
#include <cstdint>
#include <string_view>

#include "common/image/image_probe.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto probe = imagegen::image::probe_image(bytes);
  if (probe) FUZZ_CHECK(probe->width > 0 && probe->height > 0 && !probe->mime.empty());
  auto png = imagegen::image::verify_png_decodes(bytes);
  if (png) {
    // A PNG that decodes is a PNG the probe recognises, with the same size.
    FUZZ_CHECK(probe && probe->format == imagegen::image::ImageFormat::kPng);
    FUZZ_CHECK(png->width == probe->width && png->height == probe->height);
  }
  return 0;
}
