#pragma once
// imagegen_event_loop_lag_seconds, exported by the api and the worker alike: how late each
// io_context thread ran a timer that was due (common/lifecycle/loop_lag.h), observed ten times a
// second per thread. Its high quantiles are the wait any request on a stalled thread shares.
// Thread-safe: every thread of a process observes into the same histogram.
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

#include "common/lifecycle/loop_lag.h"

namespace imagegen {

class LoopLagMetric {
 public:
  explicit LoopLagMetric(prometheus::Registry& registry);
  void observe(std::chrono::duration<double> lag) { histogram_.Observe(lag.count()); }
  // A probe of `ioc` reporting here (start it on, and stop it from, that io_context's thread).
  std::unique_ptr<lifecycle::LoopLagProbe> probe(boost::asio::io_context& ioc);

 private:
  prometheus::Histogram& histogram_;
};

}  // namespace imagegen
