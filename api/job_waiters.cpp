#include "api/job_waiters.h"

namespace imagegen::api {

std::shared_ptr<JobWaiters::Waiter> JobWaiters::add(
    const std::string& job_id, std::chrono::steady_clock::time_point deadline) {
  auto w = std::make_shared<Waiter>(ioc_);
  w->timer.expires_at(deadline);
  waiters_[job_id] = w;
  return w;
}

void JobWaiters::remove(const std::string& job_id) { waiters_.erase(job_id); }

void JobWaiters::deliver(protocol::Completion m) {
  auto it = waiters_.find(m.job_id);
  if (it == waiters_.end() || it->second->result) return;
  it->second->result = std::move(m);
  it->second->timer.cancel();
}

std::vector<std::string> JobWaiters::pending_ids() const {
  std::vector<std::string> ids;
  ids.reserve(waiters_.size());
  for (const auto& [id, w] : waiters_) {
    if (!w->result) ids.push_back(id);
  }
  return ids;
}

}  // namespace imagegen::api
