// The credit scripts against a real redis-server: money moves only as the design says.
#include "common/lua_scripts.h"

#include <gtest/gtest.h>

#include "admin/admin_context.h"
#include "common/job_codec.h"
#include "common/redis_keys.h"
#include "tests/support/redis_server.h"

namespace imagegen {
namespace {

class LuaScripts : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::RedisServer>();
    redis::RedisConfig rc;
    rc.url = redis::parse_redis_url(server_->url()).value();
    ctx_.redis = redis::Connection::create(ctx_.ioc, rc);
  }
  void TearDown() override {
    ctx_.redis.reset();
    server_.reset();
  }

  void create_user(const std::string& uid, const std::string& tier, std::int64_t credits,
                   const std::string& key_hash) {
    auto r = ctx_.script(lua::kCreateUser, {uid, tier, std::to_string(credits), "1", key_hash});
    ASSERT_EQ(r.as_int(), 1);
  }

  std::vector<std::string> admit(const std::string& mode, const std::string& ident,
                                 const std::string& tier, std::int64_t cost,
                                 const std::string& job_id, int count = 1, std::int64_t cpi = 0,
                                 std::int64_t rate = 0, std::int64_t depth = 0,
                                 const std::string& idem = "", const std::string& body_hash = "") {
    JobSpec s;
    s.job_id = job_id;
    s.model = "gpt-image-1";
    s.prompt = "p";
    s.aspect_ratio = "1:1";
    s.resolution = "1K";
    s.count = count;
    s.cost_per_image = cpi ? cpi : cost / count;
    s.reply_channel = "test";
    s.created_ms = 1;
    s.deadline_ms = 2;
    std::vector<std::string> args = {mode,
                                     ident,
                                     tier,
                                     std::to_string(cost),
                                     "1000",
                                     std::to_string(rate),
                                     std::to_string(depth),
                                     "600",
                                     idem,
                                     body_hash};
    for (auto& [k, v] : encode_job_fields(s)) {
      args.push_back(k);
      args.push_back(v);
    }
    std::vector<std::string> out;
    const redis::Reply reply = ctx_.script(lua::kAdmit, args);  // outlives the loop below
    for (const auto& e : reply.elements()) {
      out.push_back(e.is_integer() ? std::to_string(*e.as_int()) : e.as_string());
    }
    return out;
  }

  std::vector<std::string> finalize(const std::string& job_id, const std::string& status,
                                    int delivered) {
    std::vector<std::string> out;
    const redis::Reply reply = ctx_.script(
        lua::kFinalize, {job_id, status, std::to_string(delivered), "[]", "", "5", "", "600"});
    for (const auto& e : reply.elements()) {
      out.push_back(e.is_integer() ? std::to_string(*e.as_int()) : e.as_string());
    }
    return out;
  }

  std::int64_t user_field(const std::string& uid, const std::string& field) {
    return ctx_.command({"HGET", keys::user(uid), field}).as_int().value_or(-999);
  }
  std::int64_t ledger_length() {
    return ctx_.command({"XLEN", std::string(keys::kLedgerStream)}).as_int().value_or(-1);
  }

  std::unique_ptr<testing::RedisServer> server_;
  admin::AdminContext ctx_;
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
  EXPECT_EQ(ctx_.command({"GET", std::string(keys::kInflight)}).as_int(), 0);
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
  EXPECT_EQ(ctx_.command({"GET", std::string(keys::kInflight)}).as_int(), 0);
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

}  // namespace
}  // namespace imagegen
