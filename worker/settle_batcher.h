#pragma once
// Jobs that finish together are settled together. While a SETTLE call is in flight, the jobs
// that finish meanwhile queue up here, and the next call takes all of them (up to a bound): at
// low load each job is settled alone and at once, under load one call carries a whole
// group-commit pass, with one round trip, one script run and one XACK/XDEL/ZREM for all of it.
//
// A call's reply is read by this thread's loop, which under a burst of finished generations has
// many handlers queued before it (each stores images). Jobs that waited for that reply before
// their own call could go out waited behind the whole burst, so once a pass's worth of jobs
// (`eager_batch`) is waiting, another call goes out at once, up to `max_in_flight` pipelined on
// the one connection. Below that the one-call-at-a-time batching stands.
// Owned by one io_context and used from its thread only.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>

#include "common/protocol/settlement.h"
#include "common/redis/connection.h"
#include "common/redis/script.h"
#include "common/result.h"

namespace imagegen::worker {

class SettleBatcher {
 public:
  // `conn` and `script` (kSettle) must outlive every settle() call; `timeout` bounds each call.
  SettleBatcher(boost::asio::io_context& ioc, redis::Connection& conn, const redis::Script& script,
                std::chrono::milliseconds timeout, std::size_t max_batch = 256,
                std::size_t eager_batch = 16, std::size_t max_in_flight = 8);

  // This job's settlement, from the call that carried it. Fails (kUnavailable, kTimeout,
  // kProtocol) when that call failed: the caller retries, SETTLE being idempotent.
  boost::asio::awaitable<Result<protocol::SettleReply>> settle(protocol::SettleArgs args) {
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                       void(Result<protocol::SettleReply>)>(
        [this, a = std::move(args)](auto handler) mutable {
          enqueue(std::move(a), Handler(std::move(handler)));
        },
        boost::asio::use_awaitable);
  }

  // Calls made so far (for tests: fewer calls than jobs means batching happened).
  std::uint64_t calls() const { return calls_; }
  // The most calls that were in flight at once.
  std::size_t most_in_flight() const { return most_in_flight_; }

 private:
  using Handler = boost::asio::any_completion_handler<void(Result<protocol::SettleReply>)>;
  struct Pending {
    protocol::SettleArgs args;
    Handler handler;
  };
  void enqueue(protocol::SettleArgs args, Handler handler);
  // Posts a call if the queue warrants one: none in flight, or a pass's worth waiting.
  void maybe_start();
  boost::asio::awaitable<void> call();

  boost::asio::io_context& ioc_;
  redis::Connection& conn_;
  const redis::Script& script_;
  std::chrono::milliseconds timeout_;
  std::size_t max_batch_;
  std::size_t eager_batch_;
  std::size_t max_in_flight_;
  // A deque, never a vector: Boost 1.81's any_completion_handler has no noexcept move, so a
  // growing vector would copy it, which binds its converting constructor to itself and
  // recurses until the stack runs out.
  std::deque<Pending> queue_;
  bool start_posted_ = false;
  std::size_t in_flight_ = 0;
  std::size_t most_in_flight_ = 0;
  std::uint64_t calls_ = 0;
};

}  // namespace imagegen::worker
