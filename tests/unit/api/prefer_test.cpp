#include "api/prefer.h"

#include <gtest/gtest.h>

namespace imagegen::api {
namespace {

TEST(Prefer, NoHeaderIsSynchronous) {
  auto p = parse_prefer("");
  EXPECT_TRUE(p.synchronous());
  EXPECT_EQ(p.applied(), "");
}

TEST(Prefer, RespondAsyncAndWait) {
  auto a = parse_prefer("respond-async");
  EXPECT_TRUE(a.respond_async);
  EXPECT_FALSE(a.synchronous());
  EXPECT_EQ(a.applied(), "respond-async");
  auto w = parse_prefer("wait=5");
  ASSERT_TRUE(w.wait_s);
  EXPECT_EQ(*w.wait_s, 5);
  EXPECT_EQ(w.applied(), "wait=5");
  auto both = parse_prefer(" Respond-Async ; foo=bar , wait=\"10\"");
  EXPECT_TRUE(both.respond_async);
  EXPECT_EQ(both.wait_s.value_or(-1), 10);
  EXPECT_EQ(both.applied(), "respond-async, wait=10");
}

TEST(Prefer, IgnoresWhatItDoesNotKnow) {
  EXPECT_TRUE(parse_prefer("return=minimal").synchronous());
  EXPECT_TRUE(parse_prefer("wait=soon").synchronous());
  EXPECT_TRUE(parse_prefer("wait=-3").synchronous());
  EXPECT_TRUE(parse_prefer("wait").synchronous());
}

}  // namespace
}  // namespace imagegen::api
