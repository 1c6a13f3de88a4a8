#include "simulator/directives.h"

#include <gtest/gtest.h>

namespace imagegen::sim {
namespace {

TEST(SimDirectives, PlainPromptHasNone) {
  EXPECT_EQ(parse_directives("a red fox in the snow"), Directives{});
}

TEST(SimDirectives, ParsesDelay) {
  EXPECT_EQ(parse_directives("fox [sim:delay=2000]").delay_ms, 2000u);
}

TEST(SimDirectives, ParsesFail) {
  EXPECT_EQ(parse_directives("[sim:fail=500] fox").fail_status, 500);
}

TEST(SimDirectives, ParsesFailWithRetryAfter) {
  const Directives d = parse_directives("fox [sim:fail=429,retry-after=1]");
  EXPECT_EQ(d.fail_status, 429);
  EXPECT_EQ(d.retry_after_s, 1u);
}

TEST(SimDirectives, ParsesFlags) {
  EXPECT_TRUE(parse_directives("[sim:hang]").hang);
  EXPECT_TRUE(parse_directives("[sim:garbage]").garbage);
  EXPECT_TRUE(parse_directives("[sim:thought]").thought);
}

TEST(SimDirectives, ModeratedDefaultsToPromptAndAcceptsOutput) {
  EXPECT_EQ(parse_directives("[sim:moderated]").moderated, Moderation::kPrompt);
  EXPECT_EQ(parse_directives("[sim:moderated=prompt]").moderated, Moderation::kPrompt);
  EXPECT_EQ(parse_directives("[sim:moderated=output]").moderated, Moderation::kOutput);
}

TEST(SimDirectives, ParsesExpiredAndKlingCodes) {
  EXPECT_TRUE(parse_directives("[sim:expired]").expired);
  EXPECT_EQ(parse_directives("[sim:kling=1102]").kling_code, 1102);
  EXPECT_FALSE(parse_directives("[sim:kling=999]").kling_code.has_value());
  EXPECT_FALSE(parse_directives("[sim:kling=abc]").kling_code.has_value());
}

TEST(SimDirectives, ParsesPartialIncludingZero) {
  EXPECT_EQ(parse_directives("[sim:partial=2]").partial_limit, 2u);
  EXPECT_EQ(parse_directives("[sim:partial=0]").partial_limit, 0u);
}

TEST(SimDirectives, CombinesSeveralBracketsAndItems) {
  const Directives d =
      parse_directives("[sim:delay=10] a cat [sim:partial=3, garbage] [sim:fail=503]");
  EXPECT_EQ(d.delay_ms, 10u);
  EXPECT_EQ(d.partial_limit, 3u);
  EXPECT_TRUE(d.garbage);
  EXPECT_EQ(d.fail_status, 503);
  EXPECT_FALSE(d.hang);
}

TEST(SimDirectives, LastRepeatWins) {
  EXPECT_EQ(parse_directives("[sim:delay=1][sim:delay=7]").delay_ms, 7u);
}

TEST(SimDirectives, IgnoresMalformedNumbers) {
  for (const char* prompt :
       {"[sim:delay=abc]", "[sim:delay=-5]", "[sim:delay=10ms]", "[sim:delay=]", "[sim:delay]",
        "[sim:delay=99999999999999999999]", "[sim:delay=3600001]", "[sim:delay= 1 2]"}) {
    EXPECT_FALSE(parse_directives(prompt).delay_ms.has_value()) << prompt;
  }
  EXPECT_FALSE(parse_directives("[sim:fail=200]").fail_status.has_value());
  EXPECT_FALSE(parse_directives("[sim:fail=600]").fail_status.has_value());
  EXPECT_FALSE(parse_directives("[sim:fail=4x9]").fail_status.has_value());
  EXPECT_FALSE(parse_directives("[sim:partial=two]").partial_limit.has_value());
}

TEST(SimDirectives, ToleratesSpacesAroundItems) {
  const Directives d = parse_directives("[sim: fail = 429 , retry-after = 2 ]");
  EXPECT_EQ(d.fail_status, 429);
  EXPECT_EQ(d.retry_after_s, 2u);
}

TEST(SimDirectives, IgnoresUnknownDirectivesButKeepsKnownNeighbours) {
  const Directives d = parse_directives("[sim:explode] [sim:wobble=3,hang] [other:delay=5]");
  EXPECT_TRUE(d.hang);
  EXPECT_FALSE(d.delay_ms.has_value());
}

TEST(SimDirectives, IgnoresUnterminatedAndUsesInnerNestedOne) {
  EXPECT_EQ(parse_directives("fox [sim:delay=5"), Directives{});
  const Directives d = parse_directives("[sim:delay=5 then [sim:hang]");
  EXPECT_TRUE(d.hang);
  EXPECT_FALSE(d.delay_ms.has_value());
}

TEST(SimDirectives, IsCaseSensitive) {
  EXPECT_FALSE(parse_directives("[SIM:hang] [sim:HANG]").hang);
}

}  // namespace
}  // namespace imagegen::sim
