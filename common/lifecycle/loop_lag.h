#pragma once
// How late an io_context runs what is due: a timer set `interval` ahead is reported with how
// long after its expiry it ran. Any handler queued at that moment waited about as long, behind
// other handlers or behind a call that blocked the thread. A healthy loop shows tens of
// microseconds; a file creation blocked behind a sync once showed up here as 470 ms
// (docs/bench.md, twelfth round). One probe per io_context thread; cheap at 10 a second.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>

namespace imagegen::lifecycle {

class LoopLagProbe {
 public:
  using Report = std::function<void(std::chrono::duration<double> lag)>;
  LoopLagProbe(boost::asio::io_context& ioc, std::chrono::milliseconds interval, Report report);
  LoopLagProbe(const LoopLagProbe&) = delete;
  LoopLagProbe& operator=(const LoopLagProbe&) = delete;

  // Starts measuring. Call once.
  void start();
  // Stops measuring, so the io_context can run out of work. On the io_context's thread.
  void stop();

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::steady_timer timer_;
  std::chrono::milliseconds interval_;
  Report report_;
  bool stopped_ = false;
};

}  // namespace imagegen::lifecycle
