#pragma once
// One upstream protocol the simulator speaks. Each family lives in its own file pair
// (`<family>_handler.{h,cpp}`) and exposes one of these; the router holds a list of them, so a
// new family is a new file pair plus one line in router.cpp.
#include <simdjson.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "simulator/image_cache.h"
#include "simulator/object_store.h"
#include "simulator/partial_counter.h"
#include "simulator/result_files.h"
#include "simulator/sim_request.h"
#include "simulator/task_store.h"

namespace imagegen::sim {

// Whole-run settings the families read (flags of the same names in sim_options.h).
struct SimSettings {
  std::uint32_t poll_steps = 2;          // polls answering "not finished" before a task finishes
  std::uint32_t max_tasks_per_key = 24;  // bfl: unfinished tasks per x-key before 429
  std::chrono::milliseconds result_ttl{600'000};  // life of a /files/ URL
  std::string kling_access_key = "sim-kling-access";
  std::string kling_secret_key = "sim-kling-secret";
  double storage_fail_rate = 0.0;              // share of storage uploads answering 503
  std::size_t storage_max_bytes = 256u << 20;  // stored objects beyond this evict the least recent
  std::uint64_t seed = 1;                      // for the storage fault draws
};

// State shared by every connection and thread; each member is thread-safe.
struct SimServices {
  explicit SimServices(SimSettings s = {})
      : settings(std::move(s)),
        files(settings.result_ttl),
        objects(settings.storage_max_bytes, settings.storage_fail_rate, settings.seed) {}

  SimSettings settings;
  ImageCache images;
  PartialCounter partials;
  TaskStore tasks;
  ResultFiles files;
  ObjectStore objects;
};

// What a handler may use besides the request. Built per request by the router.
struct HandlerContext {
  simdjson::ondemand::parser& json;  // one per connection; handlers abandon a document on any error
  SimServices& services;
  std::chrono::steady_clock::time_point now;
  std::int64_t unix_seconds = 0;  // wall clock, for fields like OpenAI's `created`
};

struct ProtocolFamily {
  std::string_view name;
  // The methods the family takes at `path` ("POST", "GET", "GET, POST"); empty when the path is
  // not the family's.
  std::string_view (*methods)(std::string_view path);
  SimResponse (*handle)(const SimRequest& request, HandlerContext& context);
  // The family's error envelope for `status`; an empty message means the family's usual text.
  SimResponse (*error)(int status, std::string_view message);
  bool whole_run_faults = true;  // whether `--fault-rate` applies to it
};

}  // namespace imagegen::sim
