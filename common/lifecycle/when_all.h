#pragma once
// Fan-out: run N awaitables concurrently on the current executor and wait for all of them. A task
// that throws (a bug) does not cancel the others; its exception is handed back in its slot.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <utility>
#include <vector>

namespace imagegen::lifecycle {

template <typename T>
struct Settled {
  std::vector<T> values;                   // values[i] from tasks[i] (default T when it threw)
  std::vector<std::exception_ptr> errors;  // errors[i] set when tasks[i] threw
};

// T must be default-constructible and movable. Results keep the order of `tasks`.
template <typename T>
boost::asio::awaitable<Settled<T>> when_all(std::vector<boost::asio::awaitable<T>> tasks) {
  namespace asio = boost::asio;
  Settled<T> out;
  if (tasks.empty()) co_return out;  // an empty ranged group would never complete
  const auto ex = co_await asio::this_coro::executor;
  using Op = decltype(asio::co_spawn(ex, std::declval<asio::awaitable<T>>(), asio::deferred));
  std::vector<Op> ops;
  ops.reserve(tasks.size());
  for (auto& task : tasks) ops.push_back(asio::co_spawn(ex, std::move(task), asio::deferred));
  // A named group: GCC 12 double-destroys non-trivial temporaries inside co_await expressions.
  auto group = asio::experimental::make_parallel_group(std::move(ops));
  auto [order, errors, values] =
      co_await group.async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  out.values = std::move(values);
  out.errors = std::move(errors);
  co_return out;
}

}  // namespace imagegen::lifecycle
