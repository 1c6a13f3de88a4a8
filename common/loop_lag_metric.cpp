#include "common/loop_lag_metric.h"

namespace imagegen {

namespace {
// A healthy loop runs a due timer within tens of microseconds; a blocked one, anywhere up to
// seconds.
const prometheus::Histogram::BucketBoundaries& lag_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  return kBuckets;
}
// Ten looks a second per thread: enough to see a stall of a few ms, and next to nothing to run.
constexpr std::chrono::milliseconds kInterval(100);
}  // namespace

LoopLagMetric::LoopLagMetric(prometheus::Registry& registry)
    : histogram_(prometheus::BuildHistogram()
                     .Name("imagegen_event_loop_lag_seconds")
                     .Help("How late an io thread ran a timer that was due, sampled ten times a "
                           "second per thread: the wait every request on a stalled thread shares.")
                     .Register(registry)
                     .Add({}, lag_buckets())) {}

std::unique_ptr<lifecycle::LoopLagProbe> LoopLagMetric::probe(boost::asio::io_context& ioc) {
  return std::make_unique<lifecycle::LoopLagProbe>(
      ioc, kInterval, [this](std::chrono::duration<double> lag) { observe(lag); });
}

}  // namespace imagegen
