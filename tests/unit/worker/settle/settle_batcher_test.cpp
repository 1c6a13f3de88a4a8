// SettleBatcher against a real redis-server running the real SETTLE script: jobs that settle
// together share one call, each still gets its own answer, and a failed call fails every job in
// it (the caller retries; SETTLE is idempotent).
#include "worker/settle_batcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <optional>

#include "common/lua_scripts.h"
#include "common/redis_keys.h"
#include "tests/unit/redis/live_redis.h"

namespace imagegen::worker {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using redis::LiveRedisTest;
using Outcome = protocol::SettleReply::Outcome;

class SettleBatcherTest : public LiveRedisTest {
 protected:
  // A queued job of user u1 holding `cpi` credits for one image, as ADMIT leaves it.
  void queued_job(const std::string& id, int cpi) {
    server_.command({"HSET", keys::job(id), "user", "u1", "status", "queued", "held",
                     std::to_string(cpi), "cpi", std::to_string(cpi), "reply", "r"});
    server_.command({"HINCRBY", keys::user("u1"), "held", std::to_string(cpi)});
    server_.command({"ZADD", std::string(keys::kDeadlines), "99999999999999", id});
  }

  protocol::SettleArgs success(const std::string& id) {
    protocol::SettleArgs a;
    a.job_id = id;
    a.status = "succeeded";
    a.delivered = 1;
    a.results = {"u1/generated/generated_" + id + "_0.png"};
    a.now_ms = 1000;
    return a;
  }

  // Starts settle() for every job in the same turn of the loop, then runs the loop until all
  // have answered.
  std::vector<Result<protocol::SettleReply>> settle_together(SettleBatcher& batcher,
                                                             const std::vector<std::string>& ids) {
    std::vector<std::optional<Result<protocol::SettleReply>>> got(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      asio::co_spawn(
          io_,
          [&, i]() -> asio::awaitable<void> { got[i] = co_await batcher.settle(success(ids[i])); },
          redis::rethrow);
    }
    EXPECT_TRUE(run_until(
        [&] { return std::all_of(got.begin(), got.end(), [](auto& g) { return g.has_value(); }); },
        10s));
    std::vector<Result<protocol::SettleReply>> out;
    for (auto& g : got) out.push_back(g ? std::move(*g) : make_error(Errc::kTimeout, "no answer"));
    return out;
  }

  redis::Script script_{lua::with_prelude(lua::kSettle)};
};

TEST_F(SettleBatcherTest, JobsSettlingTogetherShareOneCallAndEachGetsItsOwnAnswer) {
  server_.command({"HSET", keys::user("u1"), "balance", "0", "held", "0", "captured", "0"});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back("j" + std::to_string(i));
    queued_job(ids.back(), 10 + i);
  }
  auto conn = connect();
  SettleBatcher batcher(io_, *conn, script_, 5s);
  auto replies = settle_together(batcher, ids);
  ASSERT_EQ(replies.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    ASSERT_TRUE(replies[i].ok()) << replies[i].error().message;
    EXPECT_EQ(replies[i]->outcome, Outcome::kSettled);
    EXPECT_EQ(replies[i]->completion.job_id, ids[i]);
    EXPECT_EQ(replies[i]->completion.charged, 10 + static_cast<int>(i));
  }
  EXPECT_EQ(batcher.calls(), 1u);
  EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "held"}).as_string(), "0");
  EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "captured"}).as_string(), "390");
  EXPECT_EQ(server_.command({"ZCARD", std::string(keys::kDeadlines)}).as_int(), 0);
}

TEST_F(SettleBatcherTest, ABatchIsBoundedAndTheRestGoesInTheNextCalls) {
  server_.command({"HSET", keys::user("u1"), "balance", "0", "held", "0", "captured", "0"});
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    ids.push_back("j" + std::to_string(i));
    queued_job(ids.back(), 5);
  }
  auto conn = connect();
  SettleBatcher batcher(io_, *conn, script_, 5s, /*max_batch=*/8);
  auto replies = settle_together(batcher, ids);
  for (auto& r : replies) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->outcome, Outcome::kSettled);
  }
  EXPECT_EQ(batcher.calls(), 3u);  // 8 + 8 + 4
  EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "captured"}).as_string(), "100");
}

// While a call is out (Redis paused here, a loop busy storing images in the worker), jobs that
// finish queue up; once a pass's worth (eager_batch) waits, they go in a call of their own at
// once instead of waiting for the first call's reply. Fewer than that wait, as before.
TEST_F(SettleBatcherTest, APassWorthOfWaitingJobsDoesNotWaitForTheCallInFlight) {
  for (const std::size_t waiting : {std::size_t{5}, std::size_t{20}}) {
    SCOPED_TRACE("jobs waiting: " + std::to_string(waiting));
    server_.command({"FLUSHALL"});
    server_.command({"HSET", keys::user("u1"), "balance", "0", "held", "0", "captured", "0"});
    std::vector<std::string> later;
    queued_job("first", 5);
    for (std::size_t i = 0; i < waiting; ++i) {
      later.push_back("j" + std::to_string(i));
      queued_job(later.back(), 5);
    }
    auto conn = connect();
    SettleBatcher batcher(io_, *conn, script_, 5s, /*max_batch=*/256, /*eager_batch=*/16);
    server_.command({"CLIENT", "PAUSE", "300", "ALL"});  // the first call stays out for 300 ms
    std::optional<Result<protocol::SettleReply>> first;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { first = co_await batcher.settle(success("first")); },
        redis::rethrow);
    ASSERT_TRUE(run_until([&] { return batcher.calls() == 1; }, 5s));
    auto replies = settle_together(batcher, later);
    ASSERT_TRUE(run_until([&] { return first.has_value(); }, 5s));
    ASSERT_TRUE(first->ok()) << first->error().message;
    for (auto& r : replies) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->outcome, Outcome::kSettled);
    }
    EXPECT_EQ(batcher.calls(), 2u);
    EXPECT_EQ(batcher.most_in_flight(), waiting >= 16 ? 2u : 1u);
    EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "captured"}).as_string(),
              std::to_string(5 * (waiting + 1)));
    EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "held"}).as_string(), "0");
  }
}

TEST_F(SettleBatcherTest, AFailedCallFailsEveryJobInItAndARetrySettlesEachOnce) {
  server_.command({"HSET", keys::user("u1"), "balance", "0", "held", "0", "captured", "0"});
  queued_job("j1", 10);
  queued_job("j2", 10);
  auto conn = connect();
  server_.command({"CLIENT", "PAUSE", "2000", "ALL"});  // Redis answers nothing for 2 s
  SettleBatcher batcher(io_, *conn, script_, 200ms);
  auto replies = settle_together(batcher, {"j1", "j2"});
  for (auto& r : replies) EXPECT_FALSE(r.ok());
  server_.command({"CLIENT", "UNPAUSE"});
  // Redis may still run the timed-out call once it wakes up: either way the retry answers each
  // job, and the credits moved exactly once.
  auto conn2 = connect();
  SettleBatcher again(io_, *conn2, script_, 5s);
  auto retried = settle_together(again, {"j1", "j2"});
  for (auto& r : retried) {
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_NE(r->outcome, Outcome::kMissing);
  }
  EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "captured"}).as_string(), "20");
  EXPECT_EQ(server_.command({"HGET", keys::user("u1"), "held"}).as_string(), "0");
}

}  // namespace
}  // namespace imagegen::worker
