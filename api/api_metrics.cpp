#include "api/api_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>

namespace imagegen::api {

ApiMetrics::ApiMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  using namespace prometheus;
  requests_ = &BuildCounter()
                   .Name("imagegen_http_requests_total")
                   .Help("HTTP requests answered, by route and status")
                   .Register(*registry_);
  latency_ = &BuildHistogram()
                  .Name("imagegen_http_request_duration_seconds")
                  .Help("Time from request read to response written, by route")
                  .Register(*registry_);
  refused_ = &BuildCounter()
                  .Name("imagegen_admissions_refused_total")
                  .Help("Requests refused before a job was created, by reason")
                  .Register(*registry_);
  jobs_ = &BuildCounter()
               .Name("imagegen_api_jobs_total")
               .Help("Jobs answered by this api, by outcome")
               .Register(*registry_);
  redis_errors_ = &BuildCounter()
                       .Name("imagegen_api_redis_errors_total")
                       .Help("Redis calls that failed or timed out, by operation")
                       .Register(*registry_);
  credits_reserved_ = &BuildCounter()
                           .Name("imagegen_api_credits_reserved_total")
                           .Help("Credits held at admission")
                           .Register(*registry_)
                           .Add({});
  credits_captured_ = &BuildCounter()
                           .Name("imagegen_api_credits_captured_total")
                           .Help("Credits charged for delivered images, as seen by the api")
                           .Register(*registry_)
                           .Add({});
  credits_refunded_ = &BuildCounter()
                           .Name("imagegen_api_credits_refunded_total")
                           .Help("Credits returned to users, as seen by the api")
                           .Register(*registry_)
                           .Add({});
  queue_depth_ = &BuildGauge()
                      .Name("imagegen_api_queue_depth")
                      .Help("Jobs admitted and not yet finalized (last read)")
                      .Register(*registry_)
                      .Add({});
  waiting_ = &BuildGauge()
                  .Name("imagegen_api_waiting_requests")
                  .Help("Requests waiting for their job to finish")
                  .Register(*registry_)
                  .Add({});
  connections_ = &BuildGauge()
                      .Name("imagegen_api_open_connections")
                      .Help("Open client connections")
                      .Register(*registry_)
                      .Add({});
}

void ApiMetrics::request(std::string_view route, int status, double seconds) {
  requests_->Add({{"route", std::string(route)}, {"status", std::to_string(status)}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
  latency_->Add({{"route", std::string(route)}}, kBuckets).Observe(seconds);
}

void ApiMetrics::refused(std::string_view reason) {
  refused_->Add({{"reason", std::string(reason)}}).Increment();
}

void ApiMetrics::job_outcome(std::string_view outcome) {
  jobs_->Add({{"outcome", std::string(outcome)}}).Increment();
}

void ApiMetrics::redis_error(std::string_view op) {
  redis_errors_->Add({{"op", std::string(op)}}).Increment();
}

std::string ApiMetrics::serialize() const {
  prometheus::TextSerializer serializer;
  std::ostringstream out;
  serializer.Serialize(out, registry_->Collect());
  return out.str();
}

}  // namespace imagegen::api
