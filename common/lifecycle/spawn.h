#pragma once
// Starting a detached coroutine the one way the product does it: an exception that escapes the
// task (a bug: expected failures are values) is logged with what the task was and counted, never
// lost and never allowed to take the process down. Replaces a completion lambda per co_spawn site.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <cstdint>
#include <exception>
#include <functional>
#include <utility>

namespace imagegen::lifecycle {

// Logs `e` (when set) as "<what> failed with an exception: ..." and counts it. Called by spawn's
// completion; public so code that completes tasks some other way reports the same.
void report_task_end(std::exception_ptr e, const char* what);

// Tasks that ended with an exception since the process started (all threads). For metrics.
std::uint64_t failed_task_count();

// Called once per failed task after it is logged and counted, e.g. to bump a Prometheus counter.
// Set it once at start-up, before tasks run (the hook itself is not synchronised); empty = none.
void set_failed_task_hook(std::function<void(const char* what)> hook);

// co_spawn(executor, task, detached) plus report_task_end. `what` is static text naming the task
// ("read loop", "connection"): it is kept, not copied.
template <typename Executor>
void spawn(Executor&& executor, boost::asio::awaitable<void> task, const char* what) {
  boost::asio::co_spawn(std::forward<Executor>(executor), std::move(task),
                        [what](std::exception_ptr e) {
                          if (e) report_task_end(std::move(e), what);
                        });
}

}  // namespace imagegen::lifecycle
