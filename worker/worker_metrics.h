#pragma once
// Every metric the worker exports, declared in one place (prometheus-cpp core). Served as text by
// whoever owns the /metrics listener via serialize(). Thread-safe (prometheus-cpp is).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace imagegen::worker {

class WorkerMetrics {
 public:
  // Registers the worker's families in `registry` (a fresh one when null), so one process can
  // serve its own and shared metrics from one registry.
  explicit WorkerMetrics(std::shared_ptr<prometheus::Registry> registry = nullptr);
  ~WorkerMetrics();
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  // One upstream HTTP exchange. outcome: "ok" or a provider_error_kind_name().
  void provider_call(std::string_view provider, std::string_view outcome,
                     std::chrono::duration<double> latency);
  // A finalized job. outcome: succeeded | partial | failed | blocked | expired.
  void job_finished(std::string_view outcome);
  // outcome: delivered | failed | blocked.
  void images(std::string_view outcome, std::int64_t n);
  // outcome: ok | error.
  void storage_write(std::string_view outcome);
  // A failed or timed-out Redis call. op: read | start | finalize | ...
  void redis_error(std::string_view op);
  void reclaimed();      // a dead worker's job taken over
  void dead_lettered();  // a job moved to the dead-letter stream
  void credits_captured(std::int64_t n);
  void credits_refunded(std::int64_t n);
  void set_queue_depth(std::int64_t depth);
  void inflight_jobs_add(std::int64_t delta);

  // --- Webhook delivery (issue 11; kept apart from the rest so the blocks merge cleanly) ---
  // One HTTP attempt sent (or refused), and how long its exchange took.
  void webhook_attempt(std::chrono::duration<double> latency);
  // A delivery that ended. outcome: delivered | failed | refused.
  void webhook_delivery(std::string_view outcome);
  // --- end webhook delivery ---

  // Prometheus text exposition format 0.0.4.
  std::string serialize() const;
  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& provider_calls_;
  prometheus::Family<prometheus::Histogram>& provider_latency_;
  prometheus::Family<prometheus::Counter>& jobs_;
  prometheus::Family<prometheus::Counter>& images_;
  prometheus::Family<prometheus::Counter>& redis_errors_;
  prometheus::Counter& reclaimed_;
  prometheus::Counter& dead_lettered_;
  prometheus::Family<prometheus::Counter>& storage_writes_;
  prometheus::Counter& credits_captured_;
  prometheus::Counter& credits_refunded_;
  prometheus::Gauge& queue_depth_;
  prometheus::Gauge& inflight_jobs_;
  // Webhook delivery (issue 11).
  prometheus::Family<prometheus::Counter>& webhook_deliveries_;
  prometheus::Counter& webhook_attempts_;
  prometheus::Histogram& webhook_latency_;
};

}  // namespace imagegen::worker
