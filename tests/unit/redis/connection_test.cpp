// Connection against a real redis-server: commands, pipelining, errors, timeouts, handshake.
#include "common/redis/connection.h"

#include <optional>

#include "tests/unit/redis/live_redis.h"

namespace imagegen::redis {
namespace {

using Clock = std::chrono::steady_clock;

class ConnectionTest : public LiveRedisTest {};

TEST_F(ConnectionTest, RoundTripsBinaryValues) {
  auto conn = connect();
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  bytes += std::string("\0\0tail", 6);

  auto set = run(conn->command({"SET", std::string("k\0ey", 4), bytes}, 1s));
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_TRUE(set->is_status());
  EXPECT_EQ(set->as_string(), "OK");

  auto get = run(conn->command({"GET", std::string("k\0ey", 4)}, 1s));
  ASSERT_TRUE(get) << get.error().message;
  ASSERT_TRUE(get->is_string());
  EXPECT_EQ(get->as_string(), bytes);
  // What reached the server is the same bytes, not a C-string cut at the first NUL.
  EXPECT_EQ(server_.command({"STRLEN", std::string("k\0ey", 4)}).as_int(),
            static_cast<std::int64_t>(bytes.size()));

  auto missing = run(conn->command({"GET", "no-such-key"}, 1s));
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->is_nil());
}

TEST_F(ConnectionTest, ConnectsLazilyOnTheFirstCommand) {
  auto conn = Connection::create(io_, server_.config());
  EXPECT_FALSE(conn->is_connected());
  auto pong = run(conn->command({"PING"}, 2s));
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_EQ(pong->as_string(), "PONG");
  EXPECT_TRUE(conn->is_connected());
  EXPECT_EQ(conn->stats().connects, 1u);
}

// The first command also starts the link, which sends its own PING (and AUTH/SELECT when
// configured) before it: each must still get its own reply. (Formatting the command before
// the link started once sent the link's PING in its place: the command was answered "PONG".)
TEST_F(ConnectionTest, TheFirstCommandsOnAFreshConnectionGetTheirOwnReplies) {
  auto conn = Connection::create(io_, server_.config());
  auto echo = run(conn->command({"ECHO", "first"}, 2s));
  ASSERT_TRUE(echo) << echo.error().message;
  EXPECT_EQ(echo->as_string(), "first");
  auto second = run(conn->command({"ECHO", "second"}, 2s));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->as_string(), "second");
}

TEST_F(ConnectionTest, RoundTripsAnEightMegabyteValue) {
  auto conn = connect();
  std::string big(8 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 % 251);
  ASSERT_TRUE(run(conn->command({"SET", "big", big}, 5s)));
  auto got = run(conn->command({"GET", "big"}, 5s));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_TRUE(got->as_string() == big);
}

TEST_F(ConnectionTest, PipelinesAThousandConcurrentCommandsInOrder) {
  auto conn = connect();
  constexpr int kCommands = 1000;
  std::vector<std::int64_t> got(kCommands, -1);
  int issued = 0;
  int finished = 0;
  int max_in_flight = 0;
  for (int i = 0; i < kCommands; ++i) {
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          int index = issued++;
          max_in_flight = std::max(max_in_flight, issued - finished);
          std::vector<std::string> args{"INCR", "counter"};  // not braced in the co_await (GCC 12)
          auto reply = co_await conn->command(std::move(args), 10s);
          ++finished;
          got[index] = reply ? reply->as_int().value_or(-2) : -3;
        },
        rethrow);
  }
  ASSERT_TRUE(run_until([&] { return finished == kCommands; }, 10s));
  // INCR returns 1, 2, 3...: the n-th command sent got the n-th reply.
  for (int i = 0; i < kCommands; ++i) ASSERT_EQ(got[i], i + 1) << "command " << i;
  EXPECT_EQ(server_.command({"GET", "counter"}).as_int(), kCommands);
  // They really were outstanding together on the one connection, not one after another.
  EXPECT_GT(max_in_flight, kCommands / 2);
  EXPECT_EQ(conn->stats().connects, 1u);
}

TEST_F(ConnectionTest, HgetallBecomesAMap) {
  auto conn = connect();
  auto hset = run(conn->command(
      {"HSET", "job:1", "status", "queued", "count", "3", "prompt", std::string("a\0b", 3)}, 1s));
  ASSERT_TRUE(hset);
  EXPECT_EQ(hset->as_int(), 3);
  auto all = run(conn->command({"HGETALL", "job:1"}, 1s));
  ASSERT_TRUE(all);
  auto map = all->to_map();
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->size(), 3u);
  EXPECT_EQ(map->at("status"), "queued");
  EXPECT_EQ(map->at("count"), "3");
  EXPECT_EQ(map->at("prompt"), std::string("a\0b", 3));

  auto none = run(conn->command({"HGETALL", "job:missing"}, 1s));
  ASSERT_TRUE(none);
  ASSERT_TRUE(none->to_map());
  EXPECT_TRUE(none->to_map()->empty());
}

TEST_F(ConnectionTest, RedisErrorsAreRepliesNotErrors) {
  auto conn = connect();
  ASSERT_TRUE(run(conn->command({"SET", "s", "text"}, 1s)));
  auto wrong_type = run(conn->command({"LPUSH", "s", "x"}, 1s));
  ASSERT_TRUE(wrong_type) << wrong_type.error().message;
  EXPECT_TRUE(wrong_type->is_error());
  EXPECT_EQ(wrong_type->error_code(), "WRONGTYPE");

  auto unknown = run(conn->command({"NOSUCHCOMMAND"}, 1s));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->error_code(), "ERR");
  // The connection is fine afterwards.
  auto pong = run(conn->command({"PING"}, 1s));
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->as_string(), "PONG");
}

TEST_F(ConnectionTest, ASpentDeadlineFailsWithoutSending) {
  auto conn = connect();
  auto r = run(conn->command({"SET", "k", "v"}, 0ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kTimeout);
  EXPECT_TRUE(server_.command({"GET", "k"}).is_nil());
  EXPECT_TRUE(conn->is_connected());
  EXPECT_EQ(conn->stats().disconnects, 0u);
}

TEST_F(ConnectionTest, RefusesCommandsThatBelongOnASubscriber) {
  auto conn = connect();
  for (std::vector<std::string> args :
       {std::vector<std::string>{"SUBSCRIBE", "ch"}, {"psubscribe", "c*"}, {"Monitor"}, {}}) {
    auto r = run(conn->command(args, 1s));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  EXPECT_TRUE(run(conn->command({"PING"}, 1s)));
}

TEST_F(ConnectionTest, MissedDeadlineResumesWithTimeoutAndTheConnectionRecovers) {
  auto conn = connect();
  auto start = Clock::now();
  auto blocked = run(conn->command({"BLPOP", "list", "5"}, 100ms));
  auto waited = Clock::now() - start;
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::kTimeout);
  EXPECT_GE(waited, 95ms);
  EXPECT_LT(waited, 1s);
  EXPECT_EQ(conn->stats().timeouts, 1u);

  // The next command works at once, without waiting out the BLPOP.
  start = Clock::now();
  auto pong = run(conn->command({"PING"}, 2s));
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_EQ(pong->as_string(), "PONG");
  EXPECT_LT(Clock::now() - start, 1s);

  // The abandoned BLPOP is gone from the server, so it cannot take an item whose reply
  // nobody would read.
  ASSERT_TRUE(support::wait_for([&] { return !server_runs("blpop"); }, 2s));
  server_.command({"LPUSH", "list", "item"});
  EXPECT_EQ(server_.command({"LLEN", "list"}).as_int(), 1);
}

// A loaded Redis answers late but answers: the command that missed its deadline fails alone,
// and the commands queued behind it on the same connection still get their replies.
TEST_F(ConnectionTest, ASlowButAnsweringConnectionIsKeptOnTimeout) {
  auto conn = connect();
  std::optional<Result<Reply>> first, late, after;
  auto send = [&](std::optional<Result<Reply>>& out, std::vector<std::string> args,
                  std::chrono::milliseconds timeout) {
    asio::co_spawn(
        io_,
        [&out, &conn, args, timeout]() -> asio::awaitable<void> {
          out = co_await conn->command(args, timeout);
        },
        rethrow);
  };
  send(first, {"BLPOP", "a", "0"}, 10s);
  send(late, {"BLPOP", "b", "0"}, 1500ms);  // answered only once "b" gets an item
  send(after, {"PING"}, 10s);               // queued behind both
  // The first answers well inside the second's deadline: the connection shows it is alive.
  ASSERT_TRUE(run_until([&] { return server_runs("blpop"); }, 5s));
  server_.command({"LPUSH", "a", "x"});
  ASSERT_TRUE(run_until([&] { return first && late; }, 5s));
  ASSERT_TRUE(*first) << (*first).error().message;
  ASSERT_FALSE(*late);
  EXPECT_EQ((*late).error().code, Errc::kTimeout);
  EXPECT_FALSE(after) << "the PING waits behind the late BLPOP, on the same connection";
  server_.command({"LPUSH", "b", "y"});  // the late reply arrives and is dropped
  ASSERT_TRUE(run_until([&] { return after.has_value(); }, 5s));
  ASSERT_TRUE(*after) << (*after).error().message;
  EXPECT_EQ((*after)->as_string(), "PONG");
  EXPECT_EQ(conn->stats().disconnects, 0u);
  EXPECT_EQ(conn->stats().timeouts, 1u);
}

TEST_F(ConnectionTest, KeepsTheConnectionOnTimeoutWhenConfiguredTo) {
  auto config = server_.config();
  config.reconnect_on_timeout = false;
  auto conn = connect(config);
  auto blocked = run(conn->command({"BLPOP", "list", "1"}, 100ms));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::kTimeout);
  // Same connection: the PING waits behind the BLPOP, whose late nil reply is dropped.
  auto pong = run(conn->command({"PING"}, 3s));
  ASSERT_TRUE(pong) << pong.error().message;
  EXPECT_EQ(pong->as_string(), "PONG");
  EXPECT_EQ(conn->stats().connects, 1u);
  EXPECT_EQ(conn->stats().disconnects, 0u);
}

TEST_F(ConnectionTest, AuthenticatesAndSelectsTheDatabase) {
  support::RedisServer server({.password = "s3cret"});
  auto conn = connect(server.config(3));
  ASSERT_TRUE(run(conn->command({"SET", "where", "db3"}, 1s)));
  EXPECT_EQ(server.command({"GET", "where"}, 3).as_string(), "db3");
  EXPECT_TRUE(server.command({"GET", "where"}, 0).is_nil());
}

TEST_F(ConnectionTest, WrongPasswordNeverConnects) {
  support::RedisServer server({.password = "right"});
  auto config = server.config();
  config.url.password = "wrong";
  auto conn = Connection::create(io_, config);
  auto r = run(conn->command({"SET", "k", "v"}, 2s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  auto ready = run(conn->wait_connected(300ms));
  ASSERT_FALSE(ready);
  EXPECT_NE(ready.error().message.find("AUTH failed"), std::string::npos) << ready.error().message;
  EXPECT_FALSE(conn->is_connected());
}

TEST_F(ConnectionTest, WorksOverAUnixSocket) {
  support::RedisServer server({.password = "", .unix_socket = true});
  RedisConfig config;
  auto url = parse_redis_url("unix://" + server.socket_path() + "?db=2");
  ASSERT_TRUE(url) << url.error().message;
  config.url = *url;
  auto conn = connect(config);
  ASSERT_TRUE(run(conn->command({"SET", "via", "unix"}, 1s)));
  EXPECT_EQ(server.command({"GET", "via"}, 2).as_string(), "unix");
}

TEST_F(ConnectionTest, CommandsToAServerThatIsDownFailFast) {
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = support::free_port();  // nothing listens there
  auto conn = Connection::create(io_, config);
  for (int i = 0; i < 5; ++i) {
    auto start = Clock::now();
    auto r = run(conn->command({"PING"}, 5s));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
    EXPECT_LT(Clock::now() - start, 500ms);
  }
  EXPECT_FALSE(conn->is_connected());
  EXPECT_GE(conn->stats().connect_failures, 1u);
}

TEST_F(ConnectionTest, ConnectTimeoutFailsQueuedCommands) {
  support::SilentListener silent;
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = silent.port();
  config.connect_timeout = 200ms;
  auto conn = Connection::create(io_, config);

  auto start = Clock::now();
  auto r = run(conn->command({"PING"}, 5s));
  auto waited = Clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_GE(waited, 190ms);
  EXPECT_LT(waited, 2s);

  // Now known to be unreachable: the next command does not wait for another attempt.
  start = Clock::now();
  auto again = run(conn->command({"PING"}, 5s));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kUnavailable);
  EXPECT_NE(again.error().message.find("connect timed out"), std::string::npos)
      << again.error().message;
  EXPECT_LT(Clock::now() - start, 150ms);  // far below the 200 ms a new attempt would take
}

TEST_F(ConnectionTest, WaitConnectedTimesOutWithTheReason) {
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = support::free_port();
  auto conn = Connection::create(io_, config);
  auto start = Clock::now();
  auto ready = run(conn->wait_connected(300ms));
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().code, Errc::kTimeout);
  EXPECT_NE(ready.error().message.find("refused"), std::string::npos) << ready.error().message;
  EXPECT_GE(Clock::now() - start, 290ms);
}

}  // namespace
}  // namespace imagegen::redis
