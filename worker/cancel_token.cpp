#include "worker/cancel_token.h"

#include <utility>

namespace imagegen::worker {

CancelToken::Subscription& CancelToken::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    token_ = std::exchange(other.token_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

void CancelToken::Subscription::reset() {
  if (token_ != nullptr) token_->callbacks_.erase(id_);
  token_ = nullptr;
}

void CancelToken::cancel() {
  if (cancelled_) return;
  cancelled_ = true;
  // Taken out first: a callback may end a subscription (or add one) while we iterate.
  auto callbacks = std::move(callbacks_);
  callbacks_.clear();
  for (auto& [id, fn] : callbacks) fn();
}

CancelToken::Subscription CancelToken::subscribe(Callback fn) {
  if (cancelled_) {
    fn();
    return {};
  }
  const std::uint64_t id = next_id_++;
  callbacks_.emplace(id, std::move(fn));
  return Subscription(this, id);
}

}  // namespace imagegen::worker
