#pragma once
// Driving an io_context from a test's thread: run one coroutine to completion, or run the loop
// until a condition holds. Both have a deadline so a broken test fails instead of hanging.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>

namespace imagegen::testing {

// Runs `io` until `condition()` holds; false if `limit` passes first.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& condition,
                      std::chrono::milliseconds limit) {
  constexpr auto kSlice = std::chrono::milliseconds(5);
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    auto now = std::chrono::steady_clock::now();
    if (now >= end) return false;
    io.restart();
    if (io.run_for(std::min<std::chrono::steady_clock::duration>(kSlice, end - now)) == 0 &&
        io.stopped()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // no work: avoid spinning
    }
  }
  return true;
}

// Runs `task` on `io` until it finishes and returns its result, rethrowing its exception.
// Throws std::runtime_error if it has not finished within `limit`.
template <typename T>
T run_async(boost::asio::io_context& io, boost::asio::awaitable<T> task,
            std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  // Shared with the coroutine: if the deadline passes, it may still finish after we return.
  struct State {
    std::conditional_t<std::is_void_v<T>, bool, std::optional<T>> value{};
    std::exception_ptr error;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  boost::asio::co_spawn(
      io,
      [state, task = std::move(task)]() mutable -> boost::asio::awaitable<void> {
        if constexpr (std::is_void_v<T>) {
          co_await std::move(task);
        } else {
          state->value.emplace(co_await std::move(task));
        }
      },
      [state](std::exception_ptr error) {
        state->error = error;
        state->done = true;
      });
  if (!run_until(
          io, [&state] { return state->done; }, limit)) {
    throw std::runtime_error("coroutine did not finish within " + std::to_string(limit.count()) +
                             " ms");
  }
  if (state->error) std::rethrow_exception(state->error);
  if constexpr (!std::is_void_v<T>) return std::move(*state->value);
}

}  // namespace imagegen::testing
