#pragma once
// Whole-number options read as a table: each row names its variable, its bounds and where its
// value goes, so a program's loader lists its numbers once instead of one get_int call each.
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "common/config.h"
#include "common/result.h"

namespace imagegen {

struct IntOption {
  std::string_view env;
  std::int64_t min, max;
  std::int64_t* out;
};

// Reads every row of `table` with Options::get_int into its `out`; the first invalid one is the
// error (rows after it are left as they were).
Result<Ok> get_ints(const Options& options, std::initializer_list<IntOption> table);

}  // namespace imagegen
