#include "common/lifecycle/loop_lag.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <thread>
#include <vector>

namespace imagegen::lifecycle {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(LoopLagProbe, AHandlerThatHoldsTheThreadShowsAsLag) {
  asio::io_context io;
  std::vector<double> lags;
  LoopLagProbe probe(io, 1ms, [&](std::chrono::duration<double> lag) {
    lags.push_back(lag.count());
    if (lags.size() == 1) {
      // The stimulus, not a wait for a condition: this handler keeps the thread for 30 ms, as
      // a blocking call would, and the next tick must come that much late.
      asio::post(io, [] { std::this_thread::sleep_for(30ms); });
    }
    if (lags.size() == 3) asio::post(io, [&probe] { probe.stop(); });
  });
  probe.start();
  io.run();  // returns once the probe has stopped: it holds no work after stop()
  ASSERT_EQ(lags.size(), 3u);
  EXPECT_GE(lags[1], 0.025) << "the tick due during the 30 ms hold ran late by about that much";
  for (double lag : lags) EXPECT_GE(lag, 0.0);
}

TEST(LoopLagProbe, StoppedBeforeItsFirstTickReportsNothing) {
  asio::io_context io;
  int reports = 0;
  LoopLagProbe probe(io, 1h, [&](std::chrono::duration<double>) { ++reports; });
  probe.start();
  asio::post(io, [&probe] { probe.stop(); });
  io.run();  // would wait an hour if stop() left the timer armed
  EXPECT_EQ(reports, 0);
}

}  // namespace
}  // namespace imagegen::lifecycle
