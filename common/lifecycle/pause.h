#pragma once
// Waiting a while inside a coroutine: the one timer-sleep helper (no cancellation; a loop that
// must wake early owns its own timer).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace imagegen::lifecycle {

// Suspends the calling coroutine for `d` on `executor_context` (an io_context or an executor).
template <typename ExecutionContext>
boost::asio::awaitable<void> pause(ExecutionContext& executor_context,
                                   std::chrono::milliseconds d) {
  boost::asio::steady_timer timer(executor_context, d);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace imagegen::lifecycle
