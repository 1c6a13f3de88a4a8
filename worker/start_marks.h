#pragma once
// queued -> running without a round trip per job: the consumer remembers the jobs it took and
// marks them all running with one script call per tick (START_MANY). SETTLE does not depend on
// it, so a job that finishes before its tick is simply never shown as running.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace imagegen::worker {

// START_MANY: ARGV consumer, then (job_id, started_ms) pairs. Each job still `queued` becomes
// `running` with `worker` and `started`; a job settled meanwhile (or gone) is left alone.
// Returns how many were marked.
extern const std::string_view kStartMany;

struct TakenJob {
  std::string job_id;
  std::int64_t taken_ms = 0;
};

// The ARGV of one START_MANY call (pure, for tests).
std::vector<std::string> start_many_argv(std::string_view consumer,
                                         const std::vector<TakenJob>& jobs);

}  // namespace imagegen::worker
