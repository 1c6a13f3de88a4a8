#include "common/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace imagegen {
namespace {

TEST(ProcessEnv, ReadsSetVariablesAndTreatsEmptyAsUnset) {
  ::setenv("IMAGEGEN_ENV_TEST_SET", "value", 1);
  ::setenv("IMAGEGEN_ENV_TEST_EMPTY", "", 1);
  ::unsetenv("IMAGEGEN_ENV_TEST_UNSET");
  EXPECT_EQ(process_env("IMAGEGEN_ENV_TEST_SET"), "value");
  EXPECT_EQ(process_env("IMAGEGEN_ENV_TEST_EMPTY"), std::nullopt);
  EXPECT_EQ(process_env("IMAGEGEN_ENV_TEST_UNSET"), std::nullopt);
  const EnvLookup lookup = process_env;  // usable wherever an EnvLookup is taken
  EXPECT_EQ(lookup("IMAGEGEN_ENV_TEST_SET"), "value");
}

}  // namespace
}  // namespace imagegen
