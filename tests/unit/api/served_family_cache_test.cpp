#include "api/served_family_cache.h"

#include <gtest/gtest.h>

namespace imagegen::api {
namespace {

using std::chrono::milliseconds;

TEST(ServedFamilyCache, VouchesOnlyForAFreshLiveReading) {
  ServedFamilyCache cache(milliseconds(2000));
  EXPECT_FALSE(cache.vouches_for("openai", 1000)) << "no reading yet";
  cache.record("openai", /*served_until_ms=*/10'000, /*read_ms=*/1000);
  EXPECT_TRUE(cache.vouches_for("openai", 1000));
  EXPECT_TRUE(cache.vouches_for("openai", 2999));
  EXPECT_FALSE(cache.vouches_for("openai", 3000)) << "the reading is too old";
  EXPECT_FALSE(cache.vouches_for("openai", 999)) << "a clock that went back";
  EXPECT_FALSE(cache.vouches_for("bfl", 1000)) << "another family";
}

TEST(ServedFamilyCache, AnAdvertisementThatExpiresEndsTheVouching) {
  ServedFamilyCache cache(milliseconds(2000));
  cache.record("openai", 1500, 1000);
  EXPECT_TRUE(cache.vouches_for("openai", 1499));
  EXPECT_FALSE(cache.vouches_for("openai", 1500));
}

TEST(ServedFamilyCache, NoLiveWorkerAndClearBothMeanAsk) {
  ServedFamilyCache cache(milliseconds(2000));
  cache.record("openai", 0, 1000);  // the reading found nobody
  EXPECT_FALSE(cache.vouches_for("openai", 1000));
  cache.record("openai", 10'000, 1100);  // a later reading replaces it
  EXPECT_TRUE(cache.vouches_for("openai", 1100));
  cache.clear();
  EXPECT_FALSE(cache.vouches_for("openai", 1100));
}

}  // namespace
}  // namespace imagegen::api
