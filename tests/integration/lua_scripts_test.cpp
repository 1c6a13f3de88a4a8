// The credit scripts against a real redis-server: money moves only as the design says.
#include "common/lua_scripts.h"

#include <gtest/gtest.h>

#include "admin/admin_context.h"
#include "common/job_codec.h"
#include "common/protocol/admission.h"
#include "common/protocol/settlement.h"
#include "common/redis_keys.h"
#include "tests/support/admin_redis_test.h"
#include "tests/support/ledger.h"

namespace imagegen {
namespace {

class LuaScripts : public testing::AdminRedisTest {
 protected:
  void create_user(const std::string& uid, const std::string& tier, std::int64_t credits,
                   const std::string& key_hash) {
    auto r = ctx_.script(lua::kCreateUser, {uid, tier, std::to_string(credits), "1", key_hash});
    ASSERT_EQ(r.as_int(), 1);
  }

  std::vector<std::string> admit(const std::string& mode, const std::string& ident,
                                 const std::string& tier, std::int64_t cost,
                                 const std::string& job_id, int count = 1, std::int64_t cpi = 0,
                                 std::int64_t rate = 0, std::int64_t depth = 0,
                                 const std::string& idem = "", const std::string& body_hash = "",
                                 bool require_worker = false, const std::string& hook = "") {
    protocol::AdmitArgs a;
    a.credential = mode == "key" ? protocol::AdmitArgs::Credential::kApiKeyHash
                                 : protocol::AdmitArgs::Credential::kUserId;
    a.ident = ident;
    a.required_tier = tier;
    a.cost = cost;
    a.now_ms = 1000;
    a.rate_limit_per_min = rate;
    a.max_queue_depth = depth;
    a.job_ttl_s = 600;
    a.idempotency_key = idem;
    a.body_sha256 = body_hash;
    a.family = "openai";
    a.require_worker = require_worker;
    JobSpec& s = a.job;
    s.job_id = job_id;
    s.model = "gpt-image-1";
    s.prompt = "p";
    s.aspect_ratio = "1:1";
    s.resolution = "1K";
    s.count = count;
    s.cost_per_image = cpi ? cpi : cost / count;
    s.reply_channel = "test";
    s.created_ms = 1;
    s.deadline_ms = 5000;
    s.webhook_url = hook;
    // The reply as strings, in the script's own order (what decode_admit_reply reads).
    return ctx_.script(lua::kAdmit, protocol::admit_argv(a)).strings();
  }

  // {outcome, status, charged, balance} of a settlement, as decode_settle_reply reads it.
  std::vector<std::string> finalize(const std::string& job_id, const std::string& status,
                                    int delivered, const std::string& owner = "") {
    protocol::SettleArgs a;
    a.job_id = job_id;
    a.status = status;
    a.delivered = delivered;
    a.now_ms = 5;
    a.owner = owner;
    const auto raw = ctx_.script(lua::kSettle, protocol::settle_argv(a)).strings();
    auto reply = protocol::decode_settle_reply(raw);
    EXPECT_TRUE(reply.ok()) << (raw.empty() ? "" : raw[0]);
    if (!reply) return {"undecodable"};
    using Outcome = protocol::SettleReply::Outcome;
    if (reply->outcome == Outcome::kMissing) return {"missing"};
    const auto& c = reply->completion;
    return {reply->outcome == Outcome::kSettled ? "ok" : "already", c.status,
            std::to_string(c.charged), std::to_string(c.balance)};
  }

  std::int64_t user_field(const std::string& uid, const std::string& field) {
    return ctx_.command({"HGET", keys::user(uid), field}).as_int().value_or(-999);
  }
  // The sum of the ledger's entries of one type ("hold", "capture", "refund", "grant").
  std::int64_t ledger_total(const std::string& type) {
    return testing::ledger_total(
        ctx_.command({"XRANGE", std::string(keys::kLedgerStream), "-", "+"}), type);
  }
  std::int64_t ledger_length() {
    return ctx_.command({"XLEN", std::string(keys::kLedgerStream)}).as_int().value_or(-1);
  }
};

TEST_F(LuaScripts, ReserveNeverGoesNegative) {
  create_user("u1", "pro", 10, "");
  EXPECT_EQ(admit("user", "u1", "free", 4, "j1")[0], "ok");
  EXPECT_EQ(admit("user", "u1", "free", 4, "j2")[0], "ok");
  auto refused = admit("user", "u1", "free", 4, "j3");
  ASSERT_EQ(refused[0], "insufficient");
  EXPECT_EQ(refused[2], "2");  // what the 402 reports as Remaining
  EXPECT_EQ(user_field("u1", "balance"), 2);
  EXPECT_EQ(user_field("u1", "held"), 8);
  EXPECT_EQ(ctx_.command({"EXISTS", keys::job("j3")}).as_int(), 0);  // refused: nothing written
  EXPECT_EQ(ctx_.command({"XLEN", std::string(keys::kJobsStream)}).as_int(), 2);
}

TEST_F(LuaScripts, AdmissionChecksKeyTierRateAndDepth) {
  create_user("u1", "free", 100, "hash1");
  EXPECT_EQ(admit("key", "nohash", "free", 1, "j0")[0], "unauthorized");
  EXPECT_EQ(admit("user", "ghost", "free", 1, "j0")[0], "unauthorized");
  EXPECT_EQ(admit("key", "hash1", "pro", 1, "j0")[0], "tier");
  auto ok = admit("key", "hash1", "free", 1, "j1");
  ASSERT_EQ(ok[0], "ok");
  EXPECT_EQ(ok[1], "u1");
  EXPECT_EQ(admit("key", "hash1", "free", 1, "j2", 1, 1, /*rate=*/2)[0], "ok");
  EXPECT_EQ(admit("key", "hash1", "free", 1, "j3", 1, 1, /*rate=*/1)[0], "rate");
  EXPECT_EQ(admit("key", "hash1", "free", 1, "j4", 1, 1, 0, /*depth=*/2)[0], "overloaded");
  ctx_.command({"HSET", keys::api_key("hash1"), "revoked", "1"});
  EXPECT_EQ(admit("key", "hash1", "free", 1, "j5")[0], "unauthorized");
  EXPECT_EQ(user_field("u1", "balance"), 98);
}

TEST_F(LuaScripts, FinalizeChargesExactlyTheDeliveredImages) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 36, "j1", 3, 12)[0], "ok");
  auto before = ledger_length();
  auto r = finalize("j1", "partial", 2);
  ASSERT_EQ(r[0], "ok");
  EXPECT_EQ(r[2], "24");  // charged
  EXPECT_EQ(r[3], "76");  // balance: 100 - 36 + 12 refunded
  EXPECT_EQ(user_field("u1", "balance"), 76);
  EXPECT_EQ(user_field("u1", "held"), 0);
  EXPECT_EQ(user_field("u1", "captured"), 24);
  EXPECT_EQ(ledger_length(), before + 2);  // one capture, one refund
  EXPECT_EQ(ctx_.command({"HGET", keys::job("j1"), "status"}).as_string(), "partial");
  // Finished before any start mark: started no later than its settlement.
  EXPECT_EQ(ctx_.command({"HGET", keys::job("j1"), "started"}).as_string(), "5");
  EXPECT_EQ(ctx_.command({"ZCARD", std::string(keys::kDeadlines)}).as_int(), 0);
}

TEST_F(LuaScripts, SecondFinalizationChangesNothing) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "j1", 2, 10)[0], "ok");
  ASSERT_EQ(finalize("j1", "succeeded", 2)[0], "ok");
  auto ledger = ledger_length();
  auto again = finalize("j1", "expired", 0);  // the api's timeout racing a finished worker
  ASSERT_EQ(again[0], "already");
  EXPECT_EQ(again[1], "succeeded");
  EXPECT_EQ(again[2], "20");
  EXPECT_EQ(user_field("u1", "balance"), 80);
  EXPECT_EQ(user_field("u1", "captured"), 20);
  EXPECT_EQ(ledger_length(), ledger);
  EXPECT_EQ(ctx_.command({"ZCARD", std::string(keys::kDeadlines)}).as_int(), 0);
}

// The repeat reads the outcome back from the record (SETTLE reads those fields only then): the
// same status, charge, results and error as the first settlement's message.
TEST_F(LuaScripts, SecondFinalizationRepeatsTheFirstOutcome) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 30, "j1", 3, 10)[0], "ok");
  protocol::SettleArgs first;
  first.job_id = "j1";
  first.status = "partial";
  first.delivered = 2;
  first.results = {"u1/generated/generated_j1_0.png", "u1/generated/generated_j1_1.png"};
  first.error = "one image was refused";
  first.now_ms = 5;
  auto settle = [&](const protocol::SettleArgs& a) {
    return protocol::decode_settle_reply(
        ctx_.script(lua::kSettle, protocol::settle_argv(a)).strings());
  };
  auto done = settle(first);
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->outcome, protocol::SettleReply::Outcome::kSettled);
  protocol::SettleArgs late;
  late.job_id = "j1";
  late.status = "expired";
  late.now_ms = 9;
  auto again = settle(late);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->outcome, protocol::SettleReply::Outcome::kAlreadyFinal);
  EXPECT_EQ(again->completion.status, "partial");
  EXPECT_EQ(again->completion.charged, 20);
  EXPECT_EQ(again->completion.balance, 80);  // 100 - 30 held + 10 refunded
  EXPECT_EQ(again->completion.results, first.results);
  EXPECT_EQ(again->completion.error, first.error);
}

TEST_F(LuaScripts, ExpiryRefundsEverything) {
  create_user("u1", "pro", 50, "");
  ASSERT_EQ(admit("user", "u1", "pro", 40, "j1", 4, 10)[0], "ok");
  ASSERT_EQ(finalize("j1", "expired", 0)[0], "ok");
  EXPECT_EQ(user_field("u1", "balance"), 50);
  EXPECT_EQ(user_field("u1", "held"), 0);
  EXPECT_EQ(user_field("u1", "captured"), 0);
}

TEST_F(LuaScripts, IdempotencyKeyAdmitsOnceAndRemembersTheJob) {
  create_user("u1", "pro", 100, "");
  EXPECT_EQ(admit("user", "u1", "pro", 10, "j1", 1, 10, 0, 0, "key-1", "h1")[0], "ok");
  auto again = admit("user", "u1", "pro", 10, "j2", 1, 10, 0, 0, "key-1", "h1");
  ASSERT_EQ(again[0], "idem");
  EXPECT_EQ(again[2], "j1");
  EXPECT_EQ(admit("user", "u1", "pro", 10, "j3", 1, 10, 0, 0, "key-1", "other")[0],
            "idem_mismatch");
  EXPECT_EQ(user_field("u1", "balance"), 90);  // charged once
  EXPECT_EQ(ctx_.command({"EXISTS", keys::job("j2")}).as_int(), 0);
  EXPECT_EQ(admit("user", "u1", "pro", 10, "j4", 1, 10, 0, 0, "key-2", "h1")[0],
            "ok");  // another key
}

TEST_F(LuaScripts, RefusedRequestsDoNotBurnTheIdempotencyKey) {
  create_user("u1", "pro", 5, "");
  EXPECT_EQ(admit("user", "u1", "pro", 10, "j1", 1, 10, 0, 0, "key-1", "h1")[0], "insufficient");
  ctx_.script(lua::kGrant, {"u1", "100", "1"});
  EXPECT_EQ(admit("user", "u1", "pro", 10, "j2", 1, 10, 0, 0, "key-1", "h1")[0], "ok");
}

TEST_F(LuaScripts, FinalizeOfUnknownJobIsMissing) {
  EXPECT_EQ(finalize("nope", "failed", 0)[0], "missing");
}

TEST_F(LuaScripts, GrantAddsToBalanceAndLedger) {
  create_user("u1", "free", 5, "");
  auto before = ledger_length();
  EXPECT_EQ(ctx_.script(lua::kGrant, {"u1", "7", "1"}).as_int(), 12);
  EXPECT_EQ(user_field("u1", "granted"), 12);
  EXPECT_EQ(ledger_length(), before + 1);
  EXPECT_THROW(ctx_.script(lua::kGrant, {"ghost", "7", "1"}), std::runtime_error);
}

TEST_F(LuaScripts, ModelAvailabilityIsCheckedAfterTierAndBeforeCredits) {
  create_user("u1", "free", 100, "");
  // No worker advertises the family: refused, nothing held.
  auto r = admit("user", "u1", "free", 1, "j1", 1, 1, 0, 0, "", "", /*require_worker=*/true);
  ASSERT_EQ(r[0], "unavailable");
  EXPECT_EQ(r[2], "no_worker");
  // The tier check comes first.
  EXPECT_EQ(admit("user", "u1", "pro", 1, "j1", 1, 1, 0, 0, "", "", true)[0], "tier");
  // A live advertisement (expiry after now = 1000) serves it; an expired one does not.
  ctx_.command({"ZADD", keys::serves("openai"), "999", "dead-worker"});
  EXPECT_EQ(admit("user", "u1", "free", 1, "j1", 1, 1, 0, 0, "", "", true)[0], "unavailable");
  ctx_.command({"ZADD", keys::serves("openai"), "60000", "w1"});
  EXPECT_EQ(admit("user", "u1", "free", 1, "j1", 1, 1, 0, 0, "", "", true)[0], "ok");
  // The operators' kill switch wins over a live worker; still nothing held.
  ctx_.command({"SADD", std::string(keys::kDisabledModels), "gpt-image-1"});
  auto off = admit("user", "u1", "free", 1, "j2", 1, 1, 0, 0, "", "", true);
  ASSERT_EQ(off[0], "unavailable");
  EXPECT_EQ(off[2], "disabled");
  EXPECT_EQ(user_field("u1", "balance"), 99);
  EXPECT_EQ(user_field("u1", "held"), 1);
  EXPECT_EQ(ctx_.command({"EXISTS", keys::job("j2")}).as_int(), 0);
}

TEST_F(LuaScripts, CancelIsASettlementOnlyTheOwnerCanMake) {
  create_user("u1", "pro", 100, "");
  create_user("u2", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "j1", 2, 10)[0], "ok");
  EXPECT_EQ(ctx_.command({"ZSCORE", std::string(keys::kDeadlines), "j1"}).as_string(), "5000");
  EXPECT_EQ(finalize("j1", "cancelled", 0, "u2")[0], "missing");  // not theirs
  EXPECT_EQ(user_field("u1", "held"), 20);
  auto r = finalize("j1", "cancelled", 0, "u1");
  ASSERT_EQ(r[0], "ok");
  EXPECT_EQ(r[1], "cancelled");
  EXPECT_EQ(user_field("u1", "balance"), 100);
  EXPECT_EQ(user_field("u1", "held"), 0);
  EXPECT_EQ(ctx_.command({"ZSCORE", std::string(keys::kDeadlines), "j1"}).is_nil(), true);
  // The worker's late result charges nothing.
  auto late = finalize("j1", "succeeded", 2);
  ASSERT_EQ(late[0], "already");
  EXPECT_EQ(late[1], "cancelled");
  EXPECT_EQ(user_field("u1", "captured"), 0);
}

TEST_F(LuaScripts, SettlementSchedulesTheWebhookAndKeepsTotals) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "j1", 2, 10, 0, 0, "", "", false,
                  "https://example.com/hook")[0],
            "ok");
  ASSERT_EQ(finalize("j1", "partial", 1)[0], "ok");
  EXPECT_EQ(ctx_.command({"ZSCORE", std::string(keys::kWebhooksDue), "j1"}).as_string(), "5");
  EXPECT_EQ(ctx_.command({"HGET", keys::job("j1"), "hook_state"}).as_string(), "pending");
  EXPECT_EQ(ledger_total("hold"), 20);
  EXPECT_EQ(ledger_total("capture"), 10);
  EXPECT_EQ(ledger_total("refund"), 10);
  EXPECT_EQ(ledger_total("grant"), 100);
  EXPECT_EQ(ctx_.command({"HGET", std::string(keys::kStats), "granted"}).as_int(), 100);
}

TEST_F(LuaScripts, OneCallSettlesABatchAndAnswersEachJobInOrder) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "j1", 2, 10)[0], "ok");
  ASSERT_EQ(admit("user", "u1", "pro", 10, "j2", 1, 10)[0], "ok");
  ASSERT_EQ(ctx_.command({"ZCARD", std::string(keys::kDeadlines)}).as_int(), 2);
  std::vector<protocol::SettleArgs> batch(3);
  batch[0].job_id = "j1";
  batch[0].status = "succeeded";
  batch[0].delivered = 2;
  batch[1].job_id = "nope";  // never admitted
  batch[1].status = "failed";
  batch[2].job_id = "j2";
  batch[2].status = "failed";
  for (auto& a : batch) a.now_ms = 7;
  const auto raw = ctx_.script(lua::kSettle, protocol::settle_argv(batch)).strings();
  auto replies = protocol::decode_settle_replies(raw, batch.size());
  ASSERT_TRUE(replies.ok()) << replies.error().message;
  using Outcome = protocol::SettleReply::Outcome;
  EXPECT_EQ((*replies)[0].outcome, Outcome::kSettled);
  EXPECT_EQ((*replies)[0].completion.charged, 20);
  EXPECT_EQ((*replies)[1].outcome, Outcome::kMissing);
  EXPECT_EQ((*replies)[2].outcome, Outcome::kSettled);
  EXPECT_EQ((*replies)[2].completion.charged, 0);
  // Each job's message carries the balance after its own settlement, in order.
  EXPECT_EQ((*replies)[0].completion.balance, 70);
  EXPECT_EQ((*replies)[2].completion.balance, 80);
  EXPECT_EQ(user_field("u1", "balance"), 80);
  EXPECT_EQ(user_field("u1", "held"), 0);
  EXPECT_EQ(user_field("u1", "captured"), 20);
  EXPECT_EQ(ctx_.command({"ZCARD", std::string(keys::kDeadlines)}).as_int(), 0);
  // Again: nothing moves, each answer is the first one.
  auto again = protocol::decode_settle_replies(
      ctx_.script(lua::kSettle, protocol::settle_argv(batch)).strings(), batch.size());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].outcome, Outcome::kAlreadyFinal);
  EXPECT_EQ((*again)[2].outcome, Outcome::kAlreadyFinal);
  EXPECT_EQ(user_field("u1", "balance"), 80);
}

TEST_F(LuaScripts, ABatchOfSeveralUsersKeepsEachAccountAndLedgerExact) {
  // The script reads each user's account once per call and writes it back at the end: jobs of
  // two users interleaved must still each report their own user's running balance.
  create_user("u1", "pro", 100, "");
  create_user("u2", "pro", 50, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "a1", 2, 10)[0], "ok");  // u1: 80 left
  ASSERT_EQ(admit("user", "u2", "pro", 30, "b1", 3, 10)[0], "ok");  // u2: 20 left
  ASSERT_EQ(admit("user", "u1", "pro", 10, "a2", 1, 10)[0], "ok");  // u1: 70 left
  ASSERT_EQ(finalize("a2", "succeeded", 1)[0], "ok");               // settled before the batch
  std::vector<protocol::SettleArgs> batch(4);
  batch[0] = {.job_id = "a1", .status = "partial", .delivered = 1};
  batch[1] = {.job_id = "b1", .status = "succeeded", .delivered = 3};
  batch[2] = {.job_id = "a2", .status = "failed", .delivered = 0};  // already final: unchanged
  batch[3] = {.job_id = "b1", .status = "failed", .delivered = 0};  // the batch's own repeat
  for (auto& a : batch) a.now_ms = 9;
  auto replies = protocol::decode_settle_replies(
      ctx_.script(lua::kSettle, protocol::settle_argv(batch)).strings(), batch.size());
  ASSERT_TRUE(replies.ok()) << replies.error().message;
  using Outcome = protocol::SettleReply::Outcome;
  EXPECT_EQ((*replies)[0].outcome, Outcome::kSettled);
  EXPECT_EQ((*replies)[0].completion.charged, 10);
  EXPECT_EQ((*replies)[0].completion.balance, 80);  // u1: 70 + the refund of one image
  EXPECT_EQ((*replies)[1].outcome, Outcome::kSettled);
  EXPECT_EQ((*replies)[1].completion.balance, 20);  // u2: nothing refunded
  EXPECT_EQ((*replies)[2].outcome, Outcome::kAlreadyFinal);
  EXPECT_EQ((*replies)[2].completion.status, "succeeded");
  EXPECT_EQ((*replies)[2].completion.balance, 80);  // u1 as it stands after a1 in this batch
  EXPECT_EQ((*replies)[3].outcome, Outcome::kAlreadyFinal);
  EXPECT_EQ((*replies)[3].completion.charged, 30);
  EXPECT_EQ(user_field("u1", "balance"), 80);
  EXPECT_EQ(user_field("u1", "held"), 0);
  EXPECT_EQ(user_field("u1", "captured"), 20);
  EXPECT_EQ(user_field("u2", "balance"), 20);
  EXPECT_EQ(user_field("u2", "held"), 0);
  EXPECT_EQ(user_field("u2", "captured"), 30);
  // Every movement is still its own ledger entry: 3 holds, 3 captures, 1 refund.
  EXPECT_EQ(ledger_total("capture"), 50);
  EXPECT_EQ(ledger_total("refund"), 10);
  EXPECT_EQ(ledger_total("grant") - ledger_total("capture"),
            user_field("u1", "balance") + user_field("u2", "balance"));
}

TEST_F(LuaScripts, AJobThatFailsInABatchLeavesTheJobsBeforeItSettledInFull) {
  // Redis does not roll a script back: whatever the jobs before a failing one wrote stays. Their
  // credits must have moved with them, or the books stop balancing.
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "c1", 2, 10)[0], "ok");
  ASSERT_EQ(admit("user", "u1", "pro", 10, "c2", 1, 10)[0], "ok");
  ASSERT_FALSE(ctx_.command({"HSET", keys::job("c2"), "held", "not-a-number"}).is_error());
  std::vector<protocol::SettleArgs> batch(2);
  batch[0] = {.job_id = "c1", .status = "succeeded", .delivered = 2};
  batch[1] = {.job_id = "c2", .status = "succeeded", .delivered = 1};
  for (auto& a : batch) a.now_ms = 9;
  // The script's error reaches the caller (the admin context throws it).
  EXPECT_ANY_THROW(ctx_.script(lua::kSettle, protocol::settle_argv(batch)));
  EXPECT_EQ(ctx_.command({"HGET", keys::job("c1"), "status"}).as_string(), "succeeded");
  EXPECT_EQ(ctx_.command({"HGET", keys::job("c2"), "status"}).as_string(), "queued");
  EXPECT_EQ(ledger_total("capture"), 20);
  EXPECT_EQ(user_field("u1", "captured"), 20);
  EXPECT_EQ(user_field("u1", "held"), 10);  // c2's hold, untouched
  EXPECT_EQ(user_field("u1", "balance"), 70);
}

TEST_F(LuaScripts, LargeBalancesStayExactIntegers) {
  // 10^15 credits: a Lua number would print as 1e+15, which HINCRBY and the audit cannot read.
  create_user("u1", "pro", 1000000000000000, "");
  ASSERT_EQ(admit("user", "u1", "pro", 20, "j1", 2, 10)[0], "ok");
  EXPECT_EQ(ctx_.command({"HGET", keys::user("u1"), "balance"}).as_string(), "999999999999980");
  ASSERT_EQ(finalize("j1", "partial", 1)[0], "ok");
  EXPECT_EQ(ctx_.command({"HGET", keys::user("u1"), "balance"}).as_string(), "999999999999990");
  EXPECT_EQ(ctx_.command({"HGET", keys::user("u1"), "held"}).as_string(), "0");
  EXPECT_EQ(ctx_.command({"HGET", keys::user("u1"), "captured"}).as_string(), "10");
}

TEST_F(LuaScripts, TheJobRecordOutlivesItsDeadlineByTheTtl) {
  create_user("u1", "pro", 100, "");
  ASSERT_EQ(admit("user", "u1", "pro", 10, "j1", 1, 10)[0], "ok");
  // Admitted at 1 s with its deadline at 5 s and a 600 s TTL: 600 + 4 s.
  const auto ttl = ctx_.command({"TTL", keys::job("j1")}).as_int().value_or(-1);
  EXPECT_GT(ttl, 600);
  EXPECT_LE(ttl, 605);
  ASSERT_EQ(finalize("j1", "succeeded", 1)[0], "ok");
  EXPECT_GT(ctx_.command({"TTL", keys::job("j1")}).as_int().value_or(-1), 600);
}

}  // namespace
}  // namespace imagegen
