#pragma once
// imagegen-sim's settings: flags, each with an IMAGEGEN_SIM_* environment variable of the same
// meaning. A flag wins over its variable; an unset or empty variable means the default.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/env.h"
#include "common/result.h"

namespace imagegen::sim {

struct SimOptions {
  std::string bind_address = "127.0.0.1";
  std::uint16_t port = 8090;     // 0 = any free port (printed at start)
  std::uint32_t latency_ms = 0;  // added to every answer
  double fault_rate = 0.0;       // 0..1, share of requests answering 500
  std::uint64_t seed = 1;        // for --fault-rate draws
  unsigned threads = 1;          // event loops, each on its own thread and SO_REUSEPORT acceptor
  std::uint32_t poll_steps = 2;  // async tasks answer "not finished" this many polls
  std::uint32_t max_tasks_per_key = 24;   // bfl: unfinished tasks per x-key before 429
  std::uint32_t result_ttl_ms = 600'000;  // life of a /files/ result URL
  std::string kling_access_key = "sim-kling-access";
  std::string kling_secret_key = "sim-kling-secret";
  double storage_fail_rate = 0.0;  // 0..1, share of storage uploads answering 503
  bool help = false;
};

// Parses argv (argv[0] is skipped) over the environment. Refuses unknown flags, missing and
// out-of-range values; the error message is one line naming the flag or variable.
Result<SimOptions> parse_sim_options(int argc, const char* const* argv, const EnvLookup& env);

// The --help text: every flag, its variable, its default.
std::string sim_usage();

}  // namespace imagegen::sim
