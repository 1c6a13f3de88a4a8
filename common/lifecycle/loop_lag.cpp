#include "common/lifecycle/loop_lag.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/lifecycle/spawn.h"

namespace imagegen::lifecycle {

namespace asio = boost::asio;

LoopLagProbe::LoopLagProbe(asio::io_context& ioc, std::chrono::milliseconds interval, Report report)
    : timer_(ioc), interval_(interval), report_(std::move(report)) {}

void LoopLagProbe::start() { spawn(timer_.get_executor(), loop(), "loop lag probe"); }

void LoopLagProbe::stop() {
  stopped_ = true;
  timer_.cancel();
}

asio::awaitable<void> LoopLagProbe::loop() {
  while (!stopped_) {
    const auto due = std::chrono::steady_clock::now() + interval_;
    timer_.expires_at(due);
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_) co_return;
    report_(std::chrono::steady_clock::now() - due);
  }
}

}  // namespace imagegen::lifecycle
