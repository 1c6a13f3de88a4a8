// Connection across server outages and its own destruction.
#include "common/redis/connection.h"
#include "tests/unit/redis/live_redis.h"

namespace imagegen::redis {
namespace {

using Clock = std::chrono::steady_clock;

class ConnectionLifecycleTest : public LiveRedisTest {
 protected:
  // No timer or socket wait was left behind: the loop runs out of work at once.
  void expect_no_work_left() {
    io_.restart();
    const auto start = Clock::now();
    io_.run_for(2s);
    EXPECT_TRUE(io_.stopped());
    EXPECT_LT(Clock::now() - start, 1s);
  }
};

TEST_F(ConnectionLifecycleTest, FailsFastDuringAnOutageAndRecoversByItself) {
  auto conn = Connection::create(io_, server_.config());
  int connected_calls = 0;
  conn->set_on_connected([&] { ++connected_calls; });
  ASSERT_TRUE(run(conn->wait_connected(5s)));
  ASSERT_TRUE(run(conn->command({"SET", "k", "before"}, 1s)));
  ASSERT_TRUE(run_until([&] { return connected_calls == 1; }, 1s));

  server_.stop();
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    auto r = run(conn->command({"GET", "k"}, 5s));
    ASSERT_FALSE(r) << "attempt " << i;
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
    EXPECT_LT(Clock::now() - start, 500ms) << "attempt " << i;
  }
  EXPECT_FALSE(conn->is_connected());

  server_.restart();
  ASSERT_TRUE(run_until([&] { return conn->is_connected(); }, 5s));
  auto r = run(conn->command({"SET", "k", "after"}, 1s));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(server_.command({"GET", "k"}).as_string(), "after");
  ASSERT_TRUE(run_until([&] { return connected_calls == 2; }, 1s));
  EXPECT_EQ(conn->stats().disconnects, 1u);
  EXPECT_EQ(conn->stats().connects, 2u);
}

TEST_F(ConnectionLifecycleTest, OutstandingCommandsFailPromptlyWhenTheServerGoesAway) {
  auto conn = connect();
  std::optional<Result<Reply>> blpop;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        // Named, not braced in the co_await: GCC 12 miscompiles an initializer list there.
        std::vector<std::string> args{"BLPOP", "list", "0"};
        blpop.emplace(co_await conn->command(std::move(args), 30s));
      },
      rethrow);
  ASSERT_TRUE(run_until([&] { return server_runs("blpop"); }, 5s));
  auto start = Clock::now();
  server_.stop();
  ASSERT_TRUE(run_until([&] { return blpop.has_value(); }, 2s));
  ASSERT_FALSE(*blpop);
  EXPECT_EQ(blpop->error().code, Errc::kUnavailable);
  EXPECT_LT(Clock::now() - start, 2s);
}

TEST_F(ConnectionLifecycleTest, DestroyingWithCommandsOutstandingResumesThemWithAnError) {
  auto conn = connect();
  constexpr int kQueuedBehind = 10;
  std::vector<std::optional<Result<Reply>>> results(1 + kQueuedBehind);
  // A BLPOP that would block forever, and commands stuck behind it on the same connection.
  for (int i = 0; i <= kQueuedBehind; ++i) {
    std::vector<std::string> args = i == 0 ? std::vector<std::string>{"BLPOP", "list", "0"}
                                           : std::vector<std::string>{"GET", "k"};
    asio::co_spawn(
        io_,
        [&results, i, &conn, args]() -> asio::awaitable<void> {
          results[i].emplace(co_await conn->command(args, 30s));
        },
        rethrow);
  }
  ASSERT_TRUE(run_until([&] { return server_runs("blpop"); }, 5s));

  conn.reset();
  ASSERT_TRUE(run_until(
      [&] {
        return std::all_of(results.begin(), results.end(), [](auto& r) { return r.has_value(); });
      },
      2s));
  for (const auto& r : results) {
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, Errc::kUnavailable);
  }
  // The socket was closed, so Redis dropped the blocked client.
  EXPECT_TRUE(support::wait_for([&] { return !server_runs("blpop"); }, 2s));
  expect_no_work_left();
}

TEST_F(ConnectionLifecycleTest, DestroyingWhileConnectingIsClean) {
  support::SilentListener silent;  // connects, but the handshake is never answered
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = silent.port();
  config.connect_timeout = 10s;
  auto conn = Connection::create(io_, config);
  std::optional<Result<Reply>> result;
  asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<void> {
        std::vector<std::string> args{"PING"};
        result.emplace(co_await conn->command(std::move(args), 5s));
      },
      rethrow);
  ASSERT_FALSE(run_until([&] { return result.has_value(); }, 50ms));  // queued, unanswered
  conn.reset();
  ASSERT_TRUE(run_until([&] { return result.has_value(); }, 2s));
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error().code, Errc::kUnavailable);
  expect_no_work_left();
}

TEST_F(ConnectionLifecycleTest, DestroyingWhileWaitingForConnectIsClean) {
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = support::free_port();
  auto conn = Connection::create(io_, config);
  std::optional<Result<Ok>> ready;
  asio::co_spawn(
      io_, [&]() -> asio::awaitable<void> { ready.emplace(co_await conn->wait_connected(10s)); },
      rethrow);
  io_.poll();
  conn.reset();
  ASSERT_TRUE(run_until([&] { return ready.has_value(); }, 2s));
  ASSERT_FALSE(*ready);
  EXPECT_EQ(ready->error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace imagegen::redis
