#include "worker/worker_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "common/build_info.h"
#include "common/labeled_metrics.h"

namespace imagegen::worker {
namespace {

std::shared_ptr<prometheus::Registry> or_new(std::shared_ptr<prometheus::Registry> r) {
  r = r ? std::move(r) : std::make_shared<prometheus::Registry>();
  register_build_info(*r);
  return r;
}

// Upstream image calls take from ~1 s (flash models) to minutes (4K, high quality).
const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.05, 0.1, 0.25, 0.5, 1,   2.5, 5,
                                                                10,   20,  30,   60,  120, 300};
  return kBuckets;
}

// Queue waits and runs up to the longest job deadline (10 minutes by default).
const prometheus::Histogram::BucketBoundaries& job_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300, 450, 600};
  return kBuckets;
}

// Steps (and storage syncs) take a millisecond when all is well and seconds when the disk or
// Redis is struggling.
const prometheus::Histogram::BucketBoundaries& step_buckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets{
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return kBuckets;
}

prometheus::Counter& counter(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}
prometheus::Histogram& histogram(prometheus::Registry& r, const char* name, const char* help,
                                 const prometheus::Histogram::BucketBoundaries& buckets) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r).Add({}, buckets);
}
prometheus::Gauge& gauge(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}
// A family whose series are looked up by label values (common/labeled_metrics.h).
std::unique_ptr<LabeledMetrics<prometheus::Counter>> labeled_counter(
    prometheus::Registry& r, const char* name, const char* help,
    std::vector<std::string> label_names) {
  auto& family = prometheus::BuildCounter().Name(name).Help(help).Register(r);
  return std::make_unique<LabeledMetrics<prometheus::Counter>>(family, std::move(label_names));
}
std::unique_ptr<LabeledMetrics<prometheus::Histogram>> labeled_histogram(
    prometheus::Registry& r, const char* name, const char* help,
    std::vector<std::string> label_names, const prometheus::Histogram::BucketBoundaries& buckets) {
  auto& family = prometheus::BuildHistogram().Name(name).Help(help).Register(r);
  return std::make_unique<LabeledMetrics<prometheus::Histogram>>(
      family, std::move(label_names),
      [&buckets](prometheus::Family<prometheus::Histogram>& f, const prometheus::Labels& l)
          -> prometheus::Histogram& { return f.Add(l, buckets); });
}

}  // namespace

WorkerMetrics::WorkerMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(or_new(std::move(registry))),
      redis_(*registry_, {"read", "start", "finalize", "heartbeat", "xpending", "xclaim", "xack",
                          "xgroup", "dlq"}),
      loop_lag_(*registry_),
      provider_calls_(labeled_counter(*registry_, "imagegen_provider_calls_total",
                                      "Upstream provider HTTP exchanges by provider, model, kind "
                                      "(submit, poll, download) and outcome.",
                                      {"provider", "model", "kind", "outcome"})),
      provider_latency_(labeled_histogram(*registry_, "imagegen_provider_latency_seconds",
                                          "Latency of upstream provider HTTP exchanges.",
                                          {"provider", "model", "kind"}, latency_buckets())),
      jobs_(labeled_counter(*registry_, "imagegen_jobs_total",
                            "Jobs whose settlement this worker won, by model and outcome.",
                            {"model", "outcome"})),
      job_duration_(labeled_histogram(*registry_, "imagegen_job_duration_seconds",
                                      "Job time by model and phase: queue (admitted until taken "
                                      "by a worker) and run (taken until settled).",
                                      {"model", "phase"}, job_buckets())),
      job_step_(labeled_histogram(*registry_, "imagegen_job_step_seconds",
                                  "Steps of a job's run after its provider calls: store (its "
                                  "images written until durable) and settle (its SETTLE call "
                                  "until Redis answered).",
                                  {"step"}, step_buckets())),
      images_(
          labeled_counter(*registry_, "imagegen_images_total",
                          "Images asked for, by model and outcome (delivered, failed, blocked).",
                          {"model", "outcome"})),
      reclaimed_(counter(*registry_, "imagegen_worker_reclaimed_jobs_total",
                         "Jobs of dead workers taken over by this worker.")),
      storage_writes_(labeled_counter(*registry_, "imagegen_storage_writes_total",
                                      "Image writes to storage, by outcome.", {"outcome"})),
      storage_sync_seconds_(histogram(
          *registry_, "imagegen_storage_sync_seconds",
          "Duration of each group-commit sync (syncfs) of local storage; every image waits for "
          "one before its job is settled.",
          step_buckets())),
      storage_sync_images_(histogram(*registry_, "imagegen_storage_sync_images",
                                     "Images made durable by each group-commit sync.",
                                     {1, 2, 4, 8, 16, 32, 64, 128, 256, 512})),
      storage_sync_errors_(counter(*registry_, "imagegen_storage_sync_errors_total",
                                   "Group-commit syncs that failed (their images' jobs retry).")),
      credits_captured_(counter(*registry_, "imagegen_credits_captured_total",
                                "Credits charged for delivered images by this worker's "
                                "settlements.")),
      credits_refunded_(counter(*registry_, "imagegen_credits_refunded_total",
                                "Credits returned for failed, blocked or expired images by this "
                                "worker's settlements.")),
      slots_in_use_(gauge(*registry_, "imagegen_worker_slots_in_use",
                          "Job slots of this worker that hold a job.")),
      slots_capacity_(gauge(*registry_, "imagegen_worker_slots_capacity",
                            "Job slots of this worker (IMAGEGEN_WORKER_CONCURRENCY).")),
      inflight_jobs_(
          gauge(*registry_, "imagegen_worker_inflight_jobs", "Jobs this worker is running now.")),
      webhook_deliveries_(labeled_counter(*registry_, "imagegen_webhook_deliveries_total",
                                          "Webhook deliveries that ended, by outcome.",
                                          {"outcome"})),
      webhook_attempts_(counter(*registry_, "imagegen_webhook_attempts_total",
                                "Webhook POST attempts (each retry counts).")),
      webhook_latency_(histogram(*registry_, "imagegen_webhook_delivery_latency_seconds",
                                 "Duration of each webhook HTTP attempt (15 s at most).",
                                 {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15})) {
  for (const char* step : {"store", "settle"}) job_step_->at({step});
  // Known outcomes start at 0 so the series exist before the first webhook.
  for (const char* outcome : {"delivered", "failed", "refused"}) webhook_deliveries_->at({outcome});
}

WorkerMetrics::~WorkerMetrics() = default;

void WorkerMetrics::provider_call(std::string_view provider, std::string_view model,
                                  std::string_view kind, std::string_view outcome,
                                  std::chrono::duration<double> latency) {
  provider_calls_->at({provider, model, kind, outcome}).Increment();
  provider_latency_->at({provider, model, kind}).Observe(latency.count());
}

void WorkerMetrics::job_finished(std::string_view model, std::string_view outcome) {
  jobs_->at({model, outcome}).Increment();
}

void WorkerMetrics::job_duration(std::string_view model, std::string_view phase, double seconds) {
  job_duration_->at({model, phase}).Observe(std::max(seconds, 0.0));
}

void WorkerMetrics::job_step(std::string_view step, std::chrono::duration<double> took) {
  job_step_->at({step}).Observe(std::max(took.count(), 0.0));
}

void WorkerMetrics::images(std::string_view model, std::string_view outcome, std::int64_t n) {
  if (n > 0) {
    images_->at({model, outcome}).Increment(static_cast<double>(n));
  }
}

void WorkerMetrics::storage_write(std::string_view outcome) {
  storage_writes_->at({outcome}).Increment();
}

void WorkerMetrics::storage_sync(std::chrono::duration<double> took, std::size_t images, bool ok) {
  storage_sync_seconds_.Observe(std::max(took.count(), 0.0));
  storage_sync_images_.Observe(static_cast<double>(images));
  if (!ok) storage_sync_errors_.Increment();
}

void WorkerMetrics::credits_captured(std::int64_t n) {
  if (n > 0) credits_captured_.Increment(static_cast<double>(n));
}

void WorkerMetrics::credits_refunded(std::int64_t n) {
  if (n > 0) credits_refunded_.Increment(static_cast<double>(n));
}

void WorkerMetrics::reclaimed() { reclaimed_.Increment(); }

void WorkerMetrics::slots_capacity(std::int64_t n) { slots_capacity_.Set(static_cast<double>(n)); }

void WorkerMetrics::inflight_jobs_add(std::int64_t delta) {
  inflight_jobs_.Increment(static_cast<double>(delta));
  slots_in_use_.Increment(static_cast<double>(delta));
}

void WorkerMetrics::webhook_attempt(std::chrono::duration<double> latency) {
  webhook_attempts_.Increment();
  webhook_latency_.Observe(std::max(latency.count(), 0.0));
}

void WorkerMetrics::webhook_delivery(std::string_view outcome) {
  webhook_deliveries_->at({outcome}).Increment();
}

std::string WorkerMetrics::serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace imagegen::worker
