#include "common/protocol/completion.h"

#include <gtest/gtest.h>

namespace imagegen::protocol {
namespace {

// The bytes the SETTLE script publishes (its message() function), for a partial job.
constexpr std::string_view kPartial =
    "j1\npartial\n24\n976\none image failed after retries\n"
    R"(["u/generated/generated_j1_0.png"])";

TEST(Completion, DecodesWhatTheSettleScriptPublishes) {
  auto d = decode_completion(kPartial);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->job_id, "j1");
  EXPECT_EQ(d->status, "partial");
  EXPECT_EQ(d->charged, 24);
  EXPECT_EQ(d->balance, 976);
  EXPECT_EQ(d->error, "one image failed after retries");
  ASSERT_EQ(d->results.size(), 1u);
  EXPECT_EQ(d->results[0], "u/generated/generated_j1_0.png");
}

TEST(Completion, RefusesTruncatedOrDamagedMessages) {
  EXPECT_FALSE(decode_completion("j1\nsucceeded\n3").ok());
  EXPECT_FALSE(decode_completion("j1\nsucceeded\nmany\n0\n\n[]").ok());
  EXPECT_FALSE(decode_completion("j1\nsucceeded\n1\n0\n\n{}").ok());
  EXPECT_FALSE(decode_completion("\nsucceeded\n1\n0\n\n[]").ok());
}

TEST(Completion, AcceptsANegativeBalanceAndNoResults) {
  auto d = decode_completion("j2\nfailed\n0\n-5\nupstream 500\n[]");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->balance, -5);
  EXPECT_TRUE(d->results.empty());
}

}  // namespace
}  // namespace imagegen::protocol
