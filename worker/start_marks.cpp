#include "worker/start_marks.h"

namespace imagegen::worker {

const std::string_view kStartMany = R"lua(
local marked = 0
for i = 2, #ARGV, 2 do
  local jkey = P_JOB .. ARGV[i]
  if redis.call('HGET', jkey, 'status') == 'queued' then
    redis.call('HSET', jkey, 'status', 'running', 'worker', ARGV[1], 'started', ARGV[i + 1])
    marked = marked + 1
  end
end
return marked
)lua";

std::vector<std::string> start_many_argv(std::string_view consumer,
                                         const std::vector<TakenJob>& jobs) {
  std::vector<std::string> argv;
  argv.reserve(1 + 2 * jobs.size());
  argv.emplace_back(consumer);
  for (const auto& j : jobs) {
    argv.push_back(j.job_id);
    argv.push_back(std::to_string(j.taken_ms));
  }
  return argv;
}

}  // namespace imagegen::worker
