#pragma once
// The repository's model catalog (config/models.json), loaded once, for the tests that need the
// real models. IMAGEGEN_SOURCE_DIR comes from the test's target.
#include "common/catalog.h"

namespace imagegen::testing {

inline const Catalog& repo_catalog() {
  static const Catalog c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  return c;
}

}  // namespace imagegen::testing
