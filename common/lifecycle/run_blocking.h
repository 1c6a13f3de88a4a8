#pragma once
// Runs a blocking function on a thread pool and resumes the awaiting coroutine on its own
// executor with the result, so disk work never stalls an io_context thread.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>

namespace imagegen::lifecycle {

// `fn` must not throw (return errors as values) and must only touch data that outlives the
// await. The caller's executor is kept busy (work guard) until the result is posted back.
// Cancelled by: nothing; if the pool is destroyed first, the coroutine never resumes.
template <typename Fn>
boost::asio::awaitable<std::invoke_result_t<Fn&>> run_blocking(boost::asio::thread_pool& pool,
                                                               Fn fn) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Fn&>;
  // A named local, never a lambda written inside the co_await expression: g++ 12 destroys the
  // captures of such a temporary twice ("double free detected in tcache 2").
  auto initiate = [&pool, &fn](auto handler) {
    auto ex = asio::get_associated_executor(handler);
    auto work = asio::make_work_guard(ex);
    asio::post(pool, [fn = std::move(fn), handler = std::move(handler), ex,
                      work = std::move(work)]() mutable {
      R result = fn();
      // The work guard travels with the completion and is released on the caller's thread:
      // once the coroutine resumes, its io_context may be gone, so the pool thread must not
      // touch it afterwards.
      asio::post(ex, [handler = std::move(handler), result = std::move(result),
                      work = std::move(work)]() mutable {
        work.reset();
        std::move(handler)(std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      initiate, asio::use_awaitable);
}

}  // namespace imagegen::lifecycle
