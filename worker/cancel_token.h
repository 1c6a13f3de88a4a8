#pragma once
// A job's "stop now" signal. The job runner hands it down to every provider call: polls, waits
// and in-flight HTTP exchanges subscribe to it and end promptly once it is tripped, and a running
// upstream task is cancelled upstream where the protocol allows it (ProviderFamily::build_cancel).
// Single-threaded by design: trip it on the io_context thread that runs the job (asio::post
// there from anywhere else).
#include <cstdint>
#include <functional>
#include <map>

namespace imagegen::worker {

class CancelToken {
 public:
  using Callback = std::function<void()>;

  // Unsubscribes on destruction (move-only).
  class Subscription {
   public:
    Subscription() = default;
    Subscription(CancelToken* token, std::uint64_t id) : token_(token), id_(id) {}
    Subscription(Subscription&& other) noexcept { *this = std::move(other); }
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }
    void reset();

   private:
    CancelToken* token_ = nullptr;
    std::uint64_t id_ = 0;
  };

  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // Trips the token: every subscriber's callback runs once, now. Idempotent.
  void cancel();
  bool cancelled() const { return cancelled_; }

  // `fn` runs when the token is tripped (at once if it already is). The token must outlive the
  // returned subscription.
  [[nodiscard]] Subscription subscribe(Callback fn);

 private:
  bool cancelled_ = false;
  std::uint64_t next_id_ = 1;
  std::map<std::uint64_t, Callback> callbacks_;
};

}  // namespace imagegen::worker
