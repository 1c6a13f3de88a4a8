#pragma once
// One ProviderCaller (no jitter) over a real HttpClient on the test's io_context, and a provider
// call run to completion on it: shared by the caller tests, which add the family, model and
// cancel token they drive.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>

#include "tests/unit/worker/test_fixtures.h"
#include "tests/unit/worker/test_http_server.h"
#include "worker/http_client.h"
#include "worker/provider_caller.h"
#include "worker/worker_metrics.h"

namespace imagegen::worker {

inline boost::asio::awaitable<void> call_into(ProviderCaller& caller, CallTarget target, int images,
                                              Clock::time_point deadline, CallOutcome& out) {
  out = co_await caller.call(target, images, deadline);
}

struct CallerHarness {
  boost::asio::io_context io;
  HttpClient http{io};
  WorkerMetrics metrics;
  ProviderCaller caller;
  JobSpec job;

  explicit CallerHarness(const std::string& model_key, ProviderCallerOptions options = {})
      : caller(http, metrics, std::move(options), [] { return 0.0; }),
        job(testing::make_job(model_key, 1)) {}

  CallOutcome call(const CallTarget& target, int images, std::chrono::milliseconds budget) {
    CallOutcome out;
    testing::run_until_done(io, call_into(caller, target, images, Clock::now() + budget, out));
    return out;
  }
};

}  // namespace imagegen::worker
