#pragma once
// The unit of work that travels from the api through the Redis stream to a worker.
// Encoded by job_codec; every field is validated by the api before it is enqueued.
#include <cstdint>
#include <optional>
#include <string>

namespace imagegen {

struct JobSpec {
  std::string job_id;
  std::string user_id;
  std::string model;            // catalog key, e.g. "gpt-image-1"
  std::string prompt;           // exactly as the client sent it
  std::string negative_prompt;  // empty = none
  std::optional<std::uint32_t> seed;
  std::string aspect_ratio;  // one of the spec's values, e.g. "16:9"
  std::string resolution;    // "1K" | "2K" | "4K"
  int count = 1;             // 1..4
  std::int64_t cost_per_image = 0;
  std::string reply_channel;     // pub/sub channel of the waiting api instance
  std::int64_t created_ms = 0;   // unix ms
  std::int64_t deadline_ms = 0;  // unix ms; the worker gives up on upstream work after it
  std::string request_id;        // X-Request-Id of the admitting request (logged by the worker)
  std::string webhook_url;       // "" = none; the final job body is POSTed there
};

}  // namespace imagegen
