#include "common/redis/state_signal.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace imagegen::redis::detail {
namespace asio = boost::asio;

void StateSignal::notify() {
  for (auto* timer : waiters_) timer->cancel();
}

asio::awaitable<bool> StateSignal::wait_until(std::function<bool()> condition,
                                              std::chrono::milliseconds timeout) {
  if (condition()) co_return true;
  asio::steady_timer deadline(io_, timeout);
  auto it = waiters_.insert(waiters_.end(), &deadline);
  // Unregister on every way out, including the frame being destroyed while suspended.
  struct Unregister {
    std::list<asio::steady_timer*>& list;
    std::list<asio::steady_timer*>::iterator it;
    ~Unregister() { list.erase(it); }
  } unregister{waiters_, it};

  while (!condition()) {
    auto [ec] = co_await deadline.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!ec) co_return condition();  // the deadline passed; a cancel means "look again"
  }
  co_return true;
}

}  // namespace imagegen::redis::detail
