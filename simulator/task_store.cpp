#include "simulator/task_store.h"

#include "simulator/sim_ids.h"

namespace imagegen::sim {

std::string TaskStore::submit(SimTask task, Clock::time_point now) {
  task.id = new_uuid();
  task.created = now;
  task.polls = 0;
  task.finished = false;
  std::string id = task.id;
  std::lock_guard lock(mutex_);
  tasks_.expire(now);
  if (!task.owner.empty()) owned_[task.family + '\n' + task.owner].push_back(id);
  tasks_.insert(id, std::move(task), now);
  return id;
}

std::optional<SimTask> TaskStore::poll(std::string_view family, std::string_view id,
                                       std::uint32_t pending_polls, Clock::time_point now,
                                       const MakeResults& make_results) {
  std::lock_guard lock(mutex_);
  tasks_.expire(now);
  SimTask* found = tasks_.find(std::string(id));
  if (found == nullptr || found->family != family) return std::nullopt;
  SimTask& task = *found;
  ++task.polls;
  if (!task.finished && !task.directives.hang && task.polls > pending_polls) {
    const auto delay = std::chrono::milliseconds(task.directives.delay_ms.value_or(0));
    if (now >= task.created + delay) {
      task.finished = true;
      if (make_results) task.result_tokens = make_results(task);
    }
  }
  return task;
}

std::uint32_t TaskStore::in_flight(std::string_view family, std::string_view owner,
                                   Clock::time_point now, Clock::duration abandon_after) {
  std::lock_guard lock(mutex_);
  tasks_.expire(now);
  const auto list = owned_.find(std::string(family) + '\n' + std::string(owner));
  if (list == owned_.end()) return 0;
  std::erase_if(list->second, [&](const std::string& id) {
    const SimTask* task = tasks_.find(id);
    if (task == nullptr || task->finished) return true;
    return !task->directives.hang && now - task->created >= abandon_after;
  });
  const auto count = static_cast<std::uint32_t>(list->second.size());
  if (count == 0) owned_.erase(list);
  return count;
}

std::size_t TaskStore::size() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

}  // namespace imagegen::sim
