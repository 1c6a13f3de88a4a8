#pragma once
// What every admin command gets: a Redis connection on a private io_context and a way to run
// one awaitable to completion with a deadline (the CLI is synchronous from the shell's side).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/redis/connection.h"
#include "common/result.h"

namespace imagegen::admin {

struct AdminContext {
  boost::asio::io_context ioc;
  std::unique_ptr<redis::Connection> redis;
  std::chrono::milliseconds timeout{5000};

  // Runs `a` on ioc until it finishes; rethrows its exception.
  template <typename T>
  T run(boost::asio::awaitable<T> a) {
    std::optional<T> out;
    std::exception_ptr error;
    boost::asio::co_spawn(ioc, store(std::move(a), out), [&](std::exception_ptr e) {
      error = e;
      ioc.stop();  // the connection's reconnect timers would keep run() going
    });
    ioc.restart();
    ioc.run();
    if (error) std::rethrow_exception(error);
    return std::move(*out);
  }

  // T need not be default-constructible: the result lands in an optional.
  template <typename T>
  static boost::asio::awaitable<void> store(boost::asio::awaitable<T> a, std::optional<T>& out) {
    out.emplace(co_await std::move(a));
  }

  // One Redis command; an error reply or a transport failure becomes an exception with a
  // one-line message (main prints it and exits 1).
  redis::Reply command(std::vector<std::string> args);
  redis::Reply script(std::string_view source, std::vector<std::string> args);
  // Every key matching `pattern`, sorted, once each (SCAN, so Redis keeps serving others).
  std::vector<std::string> scan(const std::string& pattern);
};

struct CommandLine {
  std::vector<std::string> positional;
  bool json = false;
  std::optional<std::string> tier;
  std::optional<std::string> credits;
  std::optional<std::string> since;  // usage --since ISO-8601
  std::string catalog_path;          // IMAGEGEN_CATALOG; "" = find it beside the binary
};

// A command's outcome: text for stdout; exit code 0 on success.
struct Outcome {
  int exit_code = 0;
  std::string out;
};

Outcome user_command(AdminContext& ctx, const CommandLine& cmd);
Outcome credits_command(AdminContext& ctx, const CommandLine& cmd);
Outcome key_command(AdminContext& ctx, const CommandLine& cmd);
Outcome job_command(AdminContext& ctx, const CommandLine& cmd);
Outcome audit_command(AdminContext& ctx, const CommandLine& cmd);
Outcome dlq_command(AdminContext& ctx, const CommandLine& cmd);
Outcome usage_command(AdminContext& ctx, const CommandLine& cmd);
Outcome queue_command(AdminContext& ctx, const CommandLine& cmd);
Outcome model_command(AdminContext& ctx, const CommandLine& cmd);

std::string new_user_id();  // UUID v4 text

}  // namespace imagegen::admin
