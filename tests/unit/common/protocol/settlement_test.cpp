#include "common/protocol/settlement.h"

#include <gtest/gtest.h>

namespace imagegen::protocol {
namespace {

TEST(SettleArgv, PutsEveryArgumentWhereTheScriptReadsIt) {
  SettleArgs a;
  a.job_id = "j1";
  a.status = "partial";
  a.delivered = 2;
  a.results = {"u/generated/generated_j1_0.png", "u/generated/generated_j1_1.png"};
  a.error = "one failed";
  a.now_ms = 42;
  a.stream_entry = "1-0";
  a.job_ttl_s = 600;
  a.owner = "u1";
  auto v = settle_argv(a);
  ASSERT_EQ(v.size(), 9u);
  EXPECT_EQ(v[0], "j1");
  EXPECT_EQ(v[1], "partial");
  EXPECT_EQ(v[2], "2");
  EXPECT_EQ(v[3], R"(["u/generated/generated_j1_0.png","u/generated/generated_j1_1.png"])");
  EXPECT_EQ(v[4], "one failed");
  EXPECT_EQ(v[5], "42");
  EXPECT_EQ(v[6], "1-0");
  EXPECT_EQ(v[7], "600");
  EXPECT_EQ(v[8], "u1");
}

TEST(SettleReply, DecodesTheThreeOutcomes) {
  using V = std::vector<std::string>;
  auto ok = decode_settle_reply(V{"ok", "j1\nsucceeded\n24\n76\n\n[\"a.png\"]"});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->outcome, SettleReply::Outcome::kSettled);
  EXPECT_EQ(ok->completion.charged, 24);
  EXPECT_EQ(ok->completion.balance, 76);
  auto already = decode_settle_reply(V{"already", "j1\ncancelled\n0\n100\ncancelled\n[]"});
  ASSERT_TRUE(already.ok());
  EXPECT_EQ(already->outcome, SettleReply::Outcome::kAlreadyFinal);
  EXPECT_EQ(already->completion.status, "cancelled");
  auto missing = decode_settle_reply(V{"missing"});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->outcome, SettleReply::Outcome::kMissing);
}

TEST(SettleReply, RefusesWhatTheScriptNeverSends) {
  using V = std::vector<std::string>;
  EXPECT_FALSE(decode_settle_reply(V{}).ok());
  EXPECT_FALSE(decode_settle_reply(V{"ok"}).ok());
  EXPECT_FALSE(decode_settle_reply(V{"ok", "j1\nsucceeded"}).ok());
  EXPECT_FALSE(decode_settle_reply(V{"done", "j1\nsucceeded\n0\n0\n\n[]"}).ok());
}

}  // namespace
}  // namespace imagegen::protocol
