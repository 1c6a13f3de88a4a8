#include "worker/curl_easy_pool.h"

#include <stdexcept>

namespace imagegen::worker::detail {

EasyPool::EasyPool(std::size_t max_idle) : max_idle_(max_idle) { idle_.reserve(max_idle); }

EasyPool::~EasyPool() {
  for (CURL* easy : idle_) curl_easy_cleanup(easy);
}

CURL* EasyPool::acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      CURL* easy = idle_.back();
      idle_.pop_back();
      return easy;
    }
  }
  CURL* easy = curl_easy_init();
  if (easy == nullptr) throw std::runtime_error("curl_easy_init failed");
  return easy;
}

void EasyPool::release(CURL* easy) {
  if (easy == nullptr) return;
  curl_easy_reset(easy);  // outside the lock: it frees the options' strings
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(easy);
      return;
    }
  }
  curl_easy_cleanup(easy);
}

std::size_t EasyPool::idle() const {
  std::lock_guard lock(mu_);
  return idle_.size();
}

}  // namespace imagegen::worker::detail
