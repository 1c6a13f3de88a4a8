#include "common/lifecycle/drain_gate.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace imagegen::lifecycle {

namespace asio = boost::asio;

DrainGate::Ticket& DrainGate::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

void DrainGate::Ticket::release() {
  if (gate_ != nullptr) std::exchange(gate_, nullptr)->leave();
}

DrainGate::Ticket DrainGate::enter() {
  std::lock_guard lock(mu_);
  if (closed_) return Ticket();
  ++in_flight_;
  return Ticket(this);
}

std::size_t DrainGate::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

bool DrainGate::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

bool DrainGate::drained() const {
  std::lock_guard lock(mu_);
  return closed_ && in_flight_ == 0;
}

void DrainGate::close(std::function<void()> on_drained) {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    if (on_drained) waiters_.push_back(std::move(on_drained));
    if (in_flight_ == 0) ready.swap(waiters_);
  }
  for (auto& f : ready) f();  // outside the lock: a callback may look at the gate
}

void DrainGate::leave() {
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    if (closed_ && in_flight_ == 0) ready.swap(waiters_);
  }
  for (auto& f : ready) f();
}

asio::awaitable<bool> drain(DrainGate& gate, std::chrono::milliseconds timeout) {
  const auto ex = co_await asio::this_coro::executor;
  auto timer = std::make_shared<asio::steady_timer>(ex, timeout);
  // Posted, so the cancel lands after this coroutine is suspended in async_wait below.
  gate.close([timer, ex] { asio::post(ex, [timer] { timer->cancel(); }); });
  if (gate.drained()) co_return true;
  co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return gate.drained();
}

}  // namespace imagegen::lifecycle
