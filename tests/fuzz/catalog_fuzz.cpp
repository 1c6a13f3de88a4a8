// Catalog::from_json: refuses or accepts a catalog every model of which can be priced.
#include <cstdint>
#include <string_view>

#include "common/catalog.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto c =
      imagegen::Catalog::from_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!c) {
    FUZZ_CHECK(!c.error().message.empty());
    return 0;
  }
  FUZZ_CHECK(c->models().size() >= imagegen::kAllModelKeys.size());
  for (auto key : imagegen::kAllModelKeys) FUZZ_CHECK(c->find(key) != nullptr);
  for (const auto& m : c->models()) {
    FUZZ_CHECK(c->find(m.key) == &m);
    FUZZ_CHECK(!m.resolutions.empty() && !m.aspect_ratios.empty());
    FUZZ_CHECK(m.max_images_per_call >= 1 && m.max_prompt_chars >= 1);
    for (const auto& r : m.resolutions) {
      auto credits = m.credits_for(r);
      FUZZ_CHECK(credits && *credits > 0);
    }
  }
  return 0;
}
