#include "worker/worker_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace imagegen::worker {
namespace {

std::shared_ptr<prometheus::Registry> or_new(std::shared_ptr<prometheus::Registry> r) {
  return r ? std::move(r) : std::make_shared<prometheus::Registry>();
}

// Upstream image calls take from ~1 s (flash models) to minutes (4K, high quality).
const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                                                10,   20,  30,   60,  120, 300};
  return kBuckets;
}

}  // namespace

WorkerMetrics::WorkerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(or_new(std::move(registry))),
      provider_calls_(prometheus::BuildCounter()
                          .Name("imagegen_provider_calls_total")
                          .Help("Upstream provider HTTP calls by provider and outcome.")
                          .Register(*registry_)),
      provider_latency_(prometheus::BuildHistogram()
                            .Name("imagegen_provider_latency_seconds")
                            .Help("Latency of upstream provider HTTP calls.")
                            .Register(*registry_)),
      jobs_(prometheus::BuildCounter()
                .Name("imagegen_jobs_total")
                .Help("Jobs finalized by this worker, by outcome.")
                .Register(*registry_)),
      images_(prometheus::BuildCounter()
                  .Name("imagegen_images_total")
                  .Help("Images asked for, by outcome (delivered, failed, blocked).")
                  .Register(*registry_)),
      redis_errors_(prometheus::BuildCounter()
                        .Name("imagegen_worker_redis_errors_total")
                        .Help("Redis calls of the worker that failed or timed out, by operation.")
                        .Register(*registry_)),
      reclaimed_(prometheus::BuildCounter()
                     .Name("imagegen_worker_reclaimed_jobs_total")
                     .Help("Jobs of dead workers taken over by this worker.")
                     .Register(*registry_)
                     .Add({})),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("imagegen_worker_dead_lettered_jobs_total")
                         .Help("Jobs moved to the dead-letter stream (refunded).")
                         .Register(*registry_)
                         .Add({})),
      storage_writes_(prometheus::BuildCounter()
                          .Name("imagegen_storage_writes_total")
                          .Help("Image writes to storage, by outcome.")
                          .Register(*registry_)),
      credits_captured_(prometheus::BuildCounter()
                            .Name("imagegen_credits_captured_total")
                            .Help("Credits charged for delivered images.")
                            .Register(*registry_)
                            .Add({})),
      credits_refunded_(prometheus::BuildCounter()
                            .Name("imagegen_credits_refunded_total")
                            .Help("Credits returned for failed, blocked or expired images.")
                            .Register(*registry_)
                            .Add({})),
      queue_depth_(prometheus::BuildGauge()
                       .Name("imagegen_queue_depth")
                       .Help("Jobs waiting in the stream, as last seen by this worker.")
                       .Register(*registry_)
                       .Add({})),
      inflight_jobs_(prometheus::BuildGauge()
                         .Name("imagegen_worker_inflight_jobs")
                         .Help("Jobs this worker is running now.")
                         .Register(*registry_)
                         .Add({})),
      // Webhook delivery (issue 11).
      webhook_deliveries_(prometheus::BuildCounter()
                              .Name("imagegen_webhook_deliveries_total")
                              .Help("Webhook deliveries that ended, by outcome (delivered, "
                                    "failed, refused).")
                              .Register(*registry_)),
      webhook_attempts_(prometheus::BuildCounter()
                            .Name("imagegen_webhook_attempts_total")
                            .Help("Webhook HTTP attempts made by this worker.")
                            .Register(*registry_)
                            .Add({})),
      webhook_latency_(prometheus::BuildHistogram()
                           .Name("imagegen_webhook_delivery_latency_seconds")
                           .Help("Duration of each webhook HTTP attempt (15 s at most).")
                           .Register(*registry_)
                           .Add({}, prometheus::Histogram::BucketBoundaries{
                                        0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15})) {}

WorkerMetrics::~WorkerMetrics() = default;

void WorkerMetrics::provider_call(std::string_view provider, std::string_view outcome,
                                  std::chrono::duration<double> latency) {
  provider_calls_.Add({{"provider", std::string(provider)}, {"outcome", std::string(outcome)}})
      .Increment();
  provider_latency_.Add({{"provider", std::string(provider)}}, latency_buckets())
      .Observe(latency.count());
}

void WorkerMetrics::job_finished(std::string_view outcome) {
  jobs_.Add({{"outcome", std::string(outcome)}}).Increment();
}

void WorkerMetrics::images(std::string_view outcome, std::int64_t n) {
  if (n > 0) images_.Add({{"outcome", std::string(outcome)}}).Increment(static_cast<double>(n));
}

void WorkerMetrics::storage_write(std::string_view outcome) {
  storage_writes_.Add({{"outcome", std::string(outcome)}}).Increment();
}

void WorkerMetrics::credits_captured(std::int64_t n) {
  if (n > 0) credits_captured_.Increment(static_cast<double>(n));
}

void WorkerMetrics::credits_refunded(std::int64_t n) {
  if (n > 0) credits_refunded_.Increment(static_cast<double>(n));
}

void WorkerMetrics::reclaimed() { reclaimed_.Increment(); }
void WorkerMetrics::dead_lettered() { dead_lettered_.Increment(); }

void WorkerMetrics::redis_error(std::string_view op) {
  redis_errors_.Add({{"op", std::string(op)}}).Increment();
}

void WorkerMetrics::set_queue_depth(std::int64_t depth) {
  queue_depth_.Set(static_cast<double>(depth));
}

void WorkerMetrics::inflight_jobs_add(std::int64_t delta) {
  inflight_jobs_.Increment(static_cast<double>(delta));
}

// --- Webhook delivery (issue 11) ---
void WorkerMetrics::webhook_attempt(std::chrono::duration<double> latency) {
  webhook_attempts_.Increment();
  webhook_latency_.Observe(latency.count());
}

void WorkerMetrics::webhook_delivery(std::string_view outcome) {
  webhook_deliveries_.Add({{"outcome", std::string(outcome)}}).Increment();
}
// --- end webhook delivery ---

std::string WorkerMetrics::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace imagegen::worker
