#pragma once
// Shared by the tests that talk to a real redis-server: a fresh server and io_context per test,
// and small helpers to drive coroutines from the test thread.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/connection.h"
#include "tests/support/async_test.h"
#include "tests/support/free_port.h"
#include "tests/support/redis_server.h"
#include "tests/support/silent_listener.h"
#include "tests/support/wait_for.h"

namespace imagegen::redis {

namespace asio = boost::asio;
namespace support = imagegen::testing;
using namespace std::chrono_literals;

// co_spawn completion: an exception escaping a test coroutine fails the test loudly.
inline void rethrow(std::exception_ptr error) {
  if (error) std::rethrow_exception(error);
}

class LiveRedisTest : public ::testing::Test {
 protected:
  // Connected and ready, or the test fails.
  std::unique_ptr<Connection> connect(RedisConfig config) {
    auto conn = Connection::create(io_, std::move(config));
    auto ready = run(conn->wait_connected(5s));
    EXPECT_TRUE(ready) << ready.error().message;
    return conn;
  }
  std::unique_ptr<Connection> connect() { return connect(server_.config()); }

  template <typename T>
  T run(asio::awaitable<T> task, std::chrono::milliseconds limit = 10s) {
    return support::run_async(io_, std::move(task), limit);
  }

  bool run_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    return support::run_until(io_, condition, limit);
  }

  // True when some client of the server is currently running `command` (e.g. "blpop").
  bool server_runs(const std::string& command) {
    return server_.command({"CLIENT", "LIST"}).as_string().find("cmd=" + command) !=
           std::string::npos;
  }

  support::RedisServer server_;
  asio::io_context io_;  // declared after the server: connections are destroyed before both
};

}  // namespace imagegen::redis
