#pragma once
// Every api metric, declared in one place (names in docs/operations.md). prometheus-cpp metrics
// are thread-safe; all api threads share one ApiMetrics.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/labeled_metrics.h"
#include "common/loop_lag_metric.h"
#include "common/redis_health.h"

namespace imagegen::api {

// What the queue poller reads from Redis (so every api instance reports the same numbers).
struct QueueStats {
  double stream_length = 0;
  double lag = 0;           // entries not yet delivered to any worker
  double pending = 0;       // delivered, not yet acknowledged
  double oldest_age_s = 0;  // age of the oldest entry not yet delivered
  double dead_letters = 0;
  double in_flight = 0;        // admitted and not settled
  double credits_granted = 0;  // ever, from Redis stats: exported as a counter
};

class ApiMetrics {
 public:
  ApiMetrics();

  void request(std::string_view route, int status, double seconds, std::string_view model = {});
  void refused(std::string_view reason, std::string_view model);
  // A job this api settled (expired waits, cancels): counted here, once, where it moved.
  void job_settled(std::string_view model, std::string_view outcome, std::int64_t captured,
                   std::int64_t refunded);
  void credits_reserved(std::int64_t n) { credits_reserved_->Increment(static_cast<double>(n)); }
  void queue_stats(const QueueStats& s);
  void waiting_delta(double d) { waiting_->Increment(d); }
  void connections_delta(double d) { connections_->Increment(d); }
  void redis_error(std::string_view op) { redis_.error(op); }
  RedisHealth& redis() { return redis_; }
  LoopLagMetric& loop_lag() { return loop_lag_; }

  std::string serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  RedisHealth redis_;
  LoopLagMetric loop_lag_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> requests_;
  std::unique_ptr<LabeledMetrics<prometheus::Histogram>> latency_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> refused_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> jobs_;
  prometheus::Counter* credits_reserved_;
  prometheus::Counter* credits_captured_;
  prometheus::Counter* credits_refunded_;
  prometheus::Gauge* waiting_;
  prometheus::Gauge* connections_;
  struct {
    prometheus::Gauge* stream_length;
    prometheus::Gauge* lag;
    prometheus::Gauge* pending;
    prometheus::Gauge* oldest_age;
    prometheus::Gauge* dead_letters;
    prometheus::Gauge* in_flight;
    prometheus::Counter* credits_granted;
  } queue_;
};

}  // namespace imagegen::api
