#pragma once
// Every api metric, declared in one place. prometheus-cpp metrics are thread-safe; all api
// threads share one ApiMetrics.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace imagegen::api {

class ApiMetrics {
 public:
  ApiMetrics();

  void request(std::string_view route, int status, double seconds);
  void refused(std::string_view reason);       // admissions refused: unauthorized, tier, rate, ...
  void job_outcome(std::string_view outcome);  // succeeded, partial, failed, blocked, expired
  void credits_reserved(std::int64_t n) { credits_reserved_->Increment(static_cast<double>(n)); }
  void credits_captured(std::int64_t n) { credits_captured_->Increment(static_cast<double>(n)); }
  void credits_refunded(std::int64_t n) { credits_refunded_->Increment(static_cast<double>(n)); }
  void queue_depth(double depth) { queue_depth_->Set(depth); }
  void waiting_delta(double d) { waiting_->Increment(d); }
  void connections_delta(double d) { connections_->Increment(d); }
  void redis_error(std::string_view op);

  std::string serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Family<prometheus::Counter>* refused_;
  prometheus::Family<prometheus::Counter>* jobs_;
  prometheus::Family<prometheus::Counter>* redis_errors_;
  prometheus::Counter* credits_reserved_;
  prometheus::Counter* credits_captured_;
  prometheus::Counter* credits_refunded_;
  prometheus::Gauge* queue_depth_;
  prometheus::Gauge* waiting_;
  prometheus::Gauge* connections_;
};

}  // namespace imagegen::api
