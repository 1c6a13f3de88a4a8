// imagegen-sim: wiring only. Reads options, warms the image cache, serves until a signal.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "common/env.h"
#include "simulator/image_sizes.h"
#include "simulator/router.h"
#include "simulator/sim_options.h"
#include "simulator/sim_server.h"

namespace {

using namespace imagegen::sim;

// Thousands of concurrent (delayed or hung) connections need more descriptors than the usual
// soft limit of 1024; the hard limit is ours to take.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Encodes the common 1K sizes up front, so the first requests of a benchmark are as cheap as the
// rest.
void warm_image_cache(ImageCache& images) {
  for (const char* ratio :
       {"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}) {
    const auto size = gemini_dimensions(ratio, "1K");
    images.png(size->width, size->height);
  }
  for (const char* size : {"1536x1024", "1024x1536"}) {
    const auto d = openai_dimensions(size);
    images.png(d->width, d->height);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto options = parse_sim_options(argc, argv, imagegen::process_env);
  if (!options) {
    std::fprintf(stderr, "imagegen-sim: %s\n", options.error().message.c_str());
    return 2;
  }
  if (options->help) {
    std::fputs(sim_usage().c_str(), stdout);
    return 0;
  }

  try {
    raise_descriptor_limit();
    SimSettings settings;
    settings.poll_steps = options->poll_steps;
    settings.max_tasks_per_key = options->max_tasks_per_key;
    settings.result_ttl = std::chrono::milliseconds(options->result_ttl_ms);
    settings.kling_access_key = options->kling_access_key;
    settings.kling_secret_key = options->kling_secret_key;
    settings.storage_fail_rate = options->storage_fail_rate;
    settings.seed = options->seed;
    SimServices services(std::move(settings));
    warm_image_cache(services.images);
    Router router({.latency_ms = options->latency_ms,
                   .fault_rate = options->fault_rate,
                   .seed = options->seed},
                  services);
    SimServer server(
        {.bind_address = options->bind_address, .port = options->port, .threads = options->threads},
        router);
    spdlog::info(
        "imagegen-sim listening on {}:{} (threads {}, latency {} ms, fault rate {}, seed {}, poll "
        "steps {}, "
        "result ttl {} ms, storage fail rate {})",
        options->bind_address, server.port(), options->threads, options->latency_ms,
        options->fault_rate, options->seed, options->poll_steps, options->result_ttl_ms,
        options->storage_fail_rate);
    server.run();
    spdlog::info("imagegen-sim stopped");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imagegen-sim: %s\n", e.what());
    return 1;
  }
}
