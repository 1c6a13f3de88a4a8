#pragma once
// Every metric the worker exports, declared in one place (prometheus-cpp core). Served as text by
// whoever owns the /metrics listener via serialize(). Thread-safe (prometheus-cpp is).
//
//   imagegen_build_info{version,revision}                  gauge, 1
//   imagegen_jobs_total{model,outcome}                     jobs whose settlement this worker won
//   imagegen_job_duration_seconds{model,phase}             histogram, phase = queue | run
//   imagegen_job_step_seconds{step}                        histogram, step = store | settle
//   imagegen_provider_calls_total{provider,model,kind,outcome}   kind = submit | poll | download
//   imagegen_provider_latency_seconds{provider,model,kind} histogram
//   imagegen_images_total{model,outcome}                   delivered | failed | blocked
//   imagegen_storage_writes_total{outcome}                 ok | error
//   imagegen_storage_sync_seconds, imagegen_storage_sync_images   histograms, one per group commit
//   imagegen_storage_sync_errors_total                     passes whose sync failed
//   imagegen_worker_slots_in_use, imagegen_worker_slots_capacity, imagegen_worker_inflight_jobs
//   imagegen_worker_reclaimed_jobs_total
//   imagegen_credits_captured_total, imagegen_credits_refunded_total   by this worker's settlements
//   imagegen_redis_errors_total{op}, imagegen_redis_reconnects_total, imagegen_redis_connected
//   imagegen_event_loop_lag_seconds                        histogram, every io thread (common/)
//   imagegen_webhook_deliveries_total{outcome}, imagegen_webhook_attempts_total,
//   imagegen_webhook_delivery_latency_seconds
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/loop_lag_metric.h"
#include "common/redis_health.h"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace imagegen {
template <typename Metric>
class LabeledMetrics;
}  // namespace imagegen

namespace imagegen::worker {

class WorkerMetrics {
 public:
  // Registers the worker's families in `registry` (a fresh one when null), so one process can
  // serve its own and shared metrics from one registry.
  explicit WorkerMetrics(std::shared_ptr<prometheus::Registry> registry = nullptr);
  ~WorkerMetrics();
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  // One upstream HTTP exchange. kind: submit | poll | download. outcome: "ok" or a
  // provider_error_kind_name().
  void provider_call(std::string_view provider, std::string_view model, std::string_view kind,
                     std::string_view outcome, std::chrono::duration<double> latency);
  // A job whose settlement this worker won. outcome: succeeded | partial | failed | blocked |
  // expired | dead_lettered. Settlements another process won are counted there, not here.
  void job_finished(std::string_view model, std::string_view outcome);
  // phase: queue (admitted -> taken by this worker) | run (taken -> settled).
  void job_duration(std::string_view model, std::string_view phase, double seconds);
  // Two steps of a run, after the provider calls: store (a job's images written until durable)
  // and settle (its SETTLE call, retries included, until Redis answered).
  void job_step(std::string_view step, std::chrono::duration<double> took);
  // outcome: delivered | failed | blocked.
  void images(std::string_view model, std::string_view outcome, std::int64_t n);
  // outcome: ok | error.
  void storage_write(std::string_view outcome);
  // One group-commit pass of local storage: the sync's duration and the images it made durable.
  void storage_sync(std::chrono::duration<double> took, std::size_t images, bool ok);
  // A failed or timed-out Redis call. op: read | start | finalize | ...
  void redis_error(std::string_view op) { redis_.error(op); }
  RedisHealth& redis() { return redis_; }
  LoopLagMetric& loop_lag() { return loop_lag_; }
  void reclaimed();  // a dead worker's job taken over
  void credits_captured(std::int64_t n);
  void credits_refunded(std::int64_t n);
  void slots_capacity(std::int64_t n);
  // A job started (+1) or ended (-1) on this worker: slots in use and in-flight jobs move.
  void inflight_jobs_add(std::int64_t delta);
  // Webhooks: one POST attempt; a delivery that ended (outcome: delivered | failed | gave_up)
  // with its latency from settlement to the end. delivered and failed are exported from 0.
  void webhook_attempt(std::chrono::duration<double> latency);  // one HTTP attempt, its duration
  void webhook_delivery(std::string_view outcome);              // delivered | failed | refused

  // Prometheus text exposition format 0.0.4.
  std::string serialize() const;
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  RedisHealth redis_;
  LoopLagMetric loop_lag_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> provider_calls_;
  std::unique_ptr<LabeledMetrics<prometheus::Histogram>> provider_latency_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> jobs_;
  std::unique_ptr<LabeledMetrics<prometheus::Histogram>> job_duration_;
  std::unique_ptr<LabeledMetrics<prometheus::Histogram>> job_step_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> images_;
  prometheus::Counter& reclaimed_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> storage_writes_;
  prometheus::Histogram& storage_sync_seconds_;
  prometheus::Histogram& storage_sync_images_;
  prometheus::Counter& storage_sync_errors_;
  prometheus::Counter& credits_captured_;
  prometheus::Counter& credits_refunded_;
  prometheus::Gauge& slots_in_use_;
  prometheus::Gauge& slots_capacity_;
  prometheus::Gauge& inflight_jobs_;
  std::unique_ptr<LabeledMetrics<prometheus::Counter>> webhook_deliveries_;
  prometheus::Counter& webhook_attempts_;
  prometheus::Histogram& webhook_latency_;
};

}  // namespace imagegen::worker
