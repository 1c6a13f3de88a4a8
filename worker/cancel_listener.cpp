#include "worker/cancel_listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/redis_keys.h"

namespace imagegen::worker {

CancelListener::Watch& CancelListener::Watch::operator=(Watch&& o) noexcept {
  if (this != &o) {
    reset();
    owner_ = std::exchange(o.owner_, nullptr);
    job_id_ = std::move(o.job_id_);
    id_ = o.id_;
  }
  return *this;
}

void CancelListener::Watch::reset() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mutex_);
  auto [lo, hi] = owner_->watches_.equal_range(job_id_);
  for (auto it = lo; it != hi; ++it) {
    if (it->second.first == id_) {
      owner_->watches_.erase(it);
      break;
    }
  }
  owner_ = nullptr;
}

CancelListener::CancelListener(boost::asio::io_context& ioc, redis::RedisConfig redis)
    : ioc_(ioc),
      subscriber_(redis::Subscriber::create(
          ioc, std::move(redis),
          [this](std::string_view, std::string_view message) { on_message(message); })) {}

CancelListener::~CancelListener() = default;

void CancelListener::start() { subscriber_->subscribe(std::string(keys::kCancelChannel)); }

CancelListener::Watch CancelListener::watch(const std::string& job_id,
                                            std::function<void()> on_cancel) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_id_++;
  watches_.emplace(job_id, std::make_pair(id, std::move(on_cancel)));
  return Watch(this, job_id, id);
}

bool CancelListener::recently_cancelled(std::string_view job_id) const {
  std::lock_guard lock(mutex_);
  return recent_.contains(job_id);
}

void CancelListener::on_message(std::string_view job_id) {
  std::lock_guard lock(mutex_);
  if (recent_.emplace(job_id).second) {
    recent_order_.emplace_back(job_id);
    if (recent_order_.size() > kRemembered) {
      recent_.erase(recent_order_.front());
      recent_order_.pop_front();
    }
  }
  auto [lo, hi] = watches_.equal_range(job_id);
  for (auto it = lo; it != hi; ++it) {
    spdlog::info("job={} cancelled by its owner: stopping its upstream work", it->first);
    // Posted, not called: the callback may end the job, which destroys its Watch (and so
    // erases entries of the map being walked here, under the lock held now). The consumer's
    // callback then posts to its own thread's io_context.
    boost::asio::post(ioc_, it->second.second);
  }
}

}  // namespace imagegen::worker
