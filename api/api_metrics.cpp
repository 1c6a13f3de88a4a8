#include "api/api_metrics.h"

#include <prometheus/text_serializer.h>

#include <charconv>
#include <sstream>

#include "common/build_info.h"

namespace imagegen::api {

namespace {
prometheus::Gauge* gauge(prometheus::Registry& r, const char* name, const char* help) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}
prometheus::Counter* counter(prometheus::Registry& r, const char* name, const char* help) {
  return &prometheus::BuildCounter().Name(name).Help(help).Register(r).Add({});
}
// "2xx" for 200..299; anything outside 100..599 is "other".
std::string_view status_class(int status) {
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  return status >= 100 && status < 600 ? kClasses[status / 100 - 1] : "other";
}
}  // namespace

ApiMetrics::ApiMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      redis_(*registry_, {"admit", "expire", "queue_stats"}),
      loop_lag_(*registry_) {
  using namespace prometheus;
  Registry& r = *registry_;
  register_build_info(r);
  requests_ = std::make_unique<LabeledMetrics<Counter>>(
      BuildCounter()
          .Name("imagegen_http_requests_total")
          .Help("HTTP requests answered, by route, status and model")
          .Register(r),
      std::vector<std::string>{"route", "status", "model"});
  // Past the longest synchronous wait a client can ask for (IMAGEGEN_WAIT_TIMEOUT_MS).
  static const Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
      1,      2.5,   5,      10,    30,   60,    120,  300, 600};
  latency_ = std::make_unique<LabeledMetrics<Histogram>>(
      BuildHistogram()
          .Name("imagegen_http_request_duration_seconds")
          .Help("Time from request read to response written, by route and status class")
          .Register(r),
      std::vector<std::string>{"route", "status_class"},
      [](Family<Histogram>& f, const Labels& l) -> Histogram& { return f.Add(l, kBuckets); });
  refused_ = std::make_unique<LabeledMetrics<Counter>>(
      BuildCounter()
          .Name("imagegen_admissions_refused_total")
          .Help("Requests refused before a job was created, by reason and model")
          .Register(r),
      std::vector<std::string>{"reason", "model"});
  jobs_ = std::make_unique<LabeledMetrics<Counter>>(
      BuildCounter()
          .Name("imagegen_jobs_total")
          .Help("Jobs settled by this process, by model and outcome")
          .Register(r),
      std::vector<std::string>{"model", "outcome"});
  credits_reserved_ = counter(r, "imagegen_credits_reserved_total", "Credits held at admission");
  credits_captured_ =
      counter(r, "imagegen_credits_captured_total",
              "Credits charged for delivered images by settlements of this process");
  credits_refunded_ = counter(r, "imagegen_credits_refunded_total",
                              "Credits returned to users by settlements of this process");
  waiting_ = gauge(r, "imagegen_api_waiting_requests", "Requests waiting for their job to finish");
  connections_ = gauge(r, "imagegen_api_open_connections", "Open client connections");
  queue_.stream_length = gauge(r, "imagegen_queue_stream_length", "Entries in the job stream");
  queue_.lag = gauge(r, "imagegen_queue_lag", "Jobs no worker has taken yet (consumer-group lag)");
  queue_.pending = gauge(r, "imagegen_queue_pending", "Jobs taken by a worker, not yet settled");
  queue_.oldest_age =
      gauge(r, "imagegen_queue_oldest_age_seconds", "Age of the oldest job no worker has taken");
  queue_.dead_letters =
      gauge(r, "imagegen_dead_letter_length", "Entries in the dead-letter stream");
  queue_.in_flight = gauge(r, "imagegen_queue_depth", "Jobs admitted and not yet settled");
  queue_.credits_granted = counter(r, "imagegen_credits_granted_total",
                                   "Credits ever granted to users (read from Redis: grants "
                                   "happen in imagegen-admin)");
}

void ApiMetrics::request(std::string_view route, int status, double seconds,
                         std::string_view model) {
  char code[12];
  const auto [end, ec] = std::to_chars(code, code + sizeof code, status);
  requests_->at({route, std::string_view(code, ec == std::errc() ? end - code : 0), model})
      .Increment();
  latency_->at({route, status_class(status)}).Observe(seconds);
}

void ApiMetrics::refused(std::string_view reason, std::string_view model) {
  refused_->at({reason, model}).Increment();
}

void ApiMetrics::job_settled(std::string_view model, std::string_view outcome,
                             std::int64_t captured, std::int64_t refunded) {
  jobs_->at({model, outcome}).Increment();
  if (captured > 0) credits_captured_->Increment(static_cast<double>(captured));
  if (refunded > 0) credits_refunded_->Increment(static_cast<double>(refunded));
}

void ApiMetrics::queue_stats(const QueueStats& s) {
  queue_.stream_length->Set(s.stream_length);
  queue_.lag->Set(s.lag);
  queue_.pending->Set(s.pending);
  queue_.oldest_age->Set(s.oldest_age_s);
  queue_.dead_letters->Set(s.dead_letters);
  queue_.in_flight->Set(s.in_flight);
  // A counter that follows Redis's running total; it never goes down (a total in Redis that did
  // would be a reset, which Prometheus's rate() handles on its own after a restart).
  const double granted = queue_.credits_granted->Value();
  if (s.credits_granted > granted) queue_.credits_granted->Increment(s.credits_granted - granted);
}

std::string ApiMetrics::serialize() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace imagegen::api
