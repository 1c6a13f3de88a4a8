#pragma once
// Internal to common/redis. Lets coroutines wait, with a deadline, until a condition on some
// object's state holds; the object calls notify() whenever that state changes.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>

namespace imagegen::redis::detail {

class StateSignal {
 public:
  explicit StateSignal(boost::asio::io_context& io) : io_(io) {}
  StateSignal(const StateSignal&) = delete;
  StateSignal& operator=(const StateSignal&) = delete;

  // Wakes every waiter so it checks its condition again.
  void notify();

  // Resumes with true as soon as `condition()` holds (at once if it already does), with false
  // when `timeout` passes first. The owner of this signal must outlive the wait.
  boost::asio::awaitable<bool> wait_until(std::function<bool()> condition,
                                          std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context& io_;
  // Each waiter sleeps on its own deadline timer; notify() cancels them all, which wakes them.
  std::list<boost::asio::steady_timer*> waiters_;
};

}  // namespace imagegen::redis::detail
