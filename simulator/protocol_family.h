#pragma once
// One upstream protocol the simulator speaks. Each family lives in its own file pair
// (`<family>_handler.{h,cpp}`) and exposes one of these; the router holds a list of them, so a
// new family is a new file pair plus one line in router.cpp.
#include <chrono>
#include <cstdint>
#include <string_view>

#include <simdjson.h>

#include "simulator/image_cache.h"
#include "simulator/partial_counter.h"
#include "simulator/sim_request.h"

namespace imagegen::sim {

// State shared by every connection and thread; each member is thread-safe.
struct SimServices {
  ImageCache images;
  PartialCounter partials;
};

// What a handler may use besides the request. Built per request by the router.
struct HandlerContext {
  simdjson::ondemand::parser& json;  // one per connection; handlers abandon a document on any error
  SimServices& services;
  std::chrono::steady_clock::time_point now;
  std::int64_t unix_seconds = 0;  // wall clock, for fields like OpenAI's `created`
};

struct ProtocolFamily {
  std::string_view name;    // design.md's provider name: "gemini", "openai", ...
  std::string_view method;  // the HTTP method its endpoint takes
  bool (*matches)(std::string_view path);
  SimResponse (*handle)(const SimRequest& request, HandlerContext& context);
  // The family's error envelope for `status`; an empty message means the family's usual text.
  SimResponse (*error)(int status, std::string_view message);
};

}  // namespace imagegen::sim
