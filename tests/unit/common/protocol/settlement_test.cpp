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
  a.owner = "u1";
  auto v = settle_argv(a);
  ASSERT_EQ(v.size(), 8u);
  EXPECT_EQ(v[0], "j1");
  EXPECT_EQ(v[1], "partial");
  EXPECT_EQ(v[2], "2");
  EXPECT_EQ(v[3], R"(["u/generated/generated_j1_0.png","u/generated/generated_j1_1.png"])");
  EXPECT_EQ(v[4], "one failed");
  EXPECT_EQ(v[5], "42");
  EXPECT_EQ(v[6], "1-0");
  EXPECT_EQ(v[7], "u1");
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

TEST(SettleArgv, PutsABatchOneJobAfterAnother) {
  SettleArgs a, b;
  a.job_id = "j1";
  a.status = "succeeded";
  b.job_id = "j2";
  b.status = "failed";
  std::vector<SettleArgs> batch = {a, b};
  auto v = settle_argv(batch);
  ASSERT_EQ(v.size(), 16u);
  EXPECT_EQ(v[0], "j1");
  EXPECT_EQ(v[1], "succeeded");
  EXPECT_EQ(v[8], "j2");
  EXPECT_EQ(v[9], "failed");
  EXPECT_EQ(settle_argv(a), std::vector<std::string>(v.begin(), v.begin() + 8));
}

TEST(SettleReply, DecodesOnePairPerJobOfABatch) {
  using V = std::vector<std::string>;
  auto r = decode_settle_replies(V{"ok", "j1\nsucceeded\n24\n76\n\n[\"a.png\"]", "missing", "",
                                   "already", "j3\nexpired\n0\n100\ntimed out\n[]"},
                                 3);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].outcome, SettleReply::Outcome::kSettled);
  EXPECT_EQ((*r)[0].completion.job_id, "j1");
  EXPECT_EQ((*r)[1].outcome, SettleReply::Outcome::kMissing);
  EXPECT_EQ((*r)[2].outcome, SettleReply::Outcome::kAlreadyFinal);
  EXPECT_EQ((*r)[2].completion.status, "expired");
  // A reply that does not match the batch is refused as a whole.
  EXPECT_FALSE(decode_settle_replies(V{"ok", "j1\nsucceeded\n0\n0\n\n[]"}, 2).ok());
  EXPECT_FALSE(decode_settle_replies(V{"missing", "", "bogus", ""}, 2).ok());
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
