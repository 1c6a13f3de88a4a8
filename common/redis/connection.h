#pragma once
// One Redis connection driven by an Asio io_context, with C++20 coroutine commands.
//
// Many commands may be outstanding at once: each command() appends to hiredis's output buffer
// and Redis answers in order, so concurrent coroutines on one thread share one pipelined
// connection. Blocking commands (BLPOP, XREADGROUP BLOCK) hold up everything behind them: give
// them a Connection of their own, with a command timeout longer than the BLOCK.
//
// The connection opens lazily (first command, or wait_connected()), then stays open: when it
// breaks, outstanding commands fail at once and it reconnects by itself with exponential
// backoff and jitter, redoing AUTH and SELECT.
//
// Owned by one io_context: create, use and destroy it on the thread that runs that io_context,
// and destroy it before the io_context. Not thread-safe.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/redis/connection_stats.h"
#include "common/redis/redis_config.h"
#include "common/redis/reply.h"
#include "common/result.h"

namespace imagegen::redis {

class Script;

class Connection {
 public:
  // Does not connect yet; see the header comment.
  static std::unique_ptr<Connection> create(boost::asio::io_context& io, RedisConfig config);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  // Safe with commands outstanding: each of them resumes (later, from the io_context) with
  // kUnavailable, and the socket is closed.
  ~Connection();

  // Sends one command, e.g. {"HSET", key, "field", bytes}; arguments are binary-safe.
  // Returns the reply, and a Redis error reply (-ERR, -NOSCRIPT, -WRONGTYPE...) is a Reply with
  // is_error(), not an Error. Fails with:
  //   kUnavailable     Redis is known to be down (returned at once, the command was not sent),
  //                    or the connection broke or was closed before the reply (it may have run);
  //   kTimeout         no reply within `timeout` (it may have run); the late reply is dropped.
  //                    If no reply at all came on the connection meanwhile, it is stuck, and by
  //                    default (RedisConfig::reconnect_on_timeout) it is reopened, which fails
  //                    the other outstanding commands with kUnavailable; if replies did come, it
  //                    is only slow, and the others keep waiting for their own deadlines.
  //                    A timeout <= 0 fails at once without sending anything;
  //   kInvalidArgument an empty command, or one that changes the connection's protocol
  //                    (SUBSCRIBE and friends, MONITOR: use a Subscriber).
  // Cancelled only by its deadline or by destroying the Connection; the caller's cancellation
  // slot is not observed.
  boost::asio::awaitable<Result<Reply>> command(std::vector<std::string> args,
                                                std::chrono::milliseconds timeout);

  // Opens the connection if it is not open yet and waits until it is ready (handshake done).
  // Fails with kTimeout when it is not ready within `timeout` (the message carries the last
  // connect error), or kUnavailable if the Connection is destroyed meanwhile. Reconnect
  // attempts continue in the background either way. Cancelled only by its deadline.
  boost::asio::awaitable<Result<Ok>> wait_connected(std::chrono::milliseconds timeout);

  // True when connected and the handshake is done.
  bool is_connected() const;

  // Called on the io_context after every successful connect, the first one included; useful to
  // re-read state that may have changed while the connection was down.
  void set_on_connected(std::function<void()> callback);

  ConnectionStats stats() const;
  const RedisConfig& config() const;

 private:
  friend class Script;  // keeps the connection state alive across its two round trips
  struct Impl;
  explicit Connection(std::shared_ptr<Impl> impl);
  // The coroutine behind command() and Script::run; it owns a reference to the state, so it is
  // safe even if the Connection is destroyed while it waits. Sends `args`, or, when `wire` is
  // not empty, that command already in wire format (resp.h): read before the first suspension
  // (hiredis copies it), so it only has to live until this is awaited.
  static boost::asio::awaitable<Result<Reply>> command_on(std::shared_ptr<Impl> impl,
                                                          std::vector<std::string> args,
                                                          std::chrono::milliseconds timeout,
                                                          std::string_view wire = {});

  std::shared_ptr<Impl> impl_;
};

}  // namespace imagegen::redis
