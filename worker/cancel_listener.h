#pragma once
// Cancel in the worker: the cancel route settles a job `cancelled` (SETTLE refunds it and
// PUBLISHes its id on imagegen:cancel); every worker hears it here and stops that job's upstream
// work if it runs the job. A message lost while the subscription was down costs nothing but
// upstream work: the worker's late SETTLE answers "already" and charges nothing.
//
// Owned by one io_context (like redis::Subscriber); watch(), recently_cancelled() and Watch's
// destruction may come from any worker thread (a mutex guards the maps).
#include <boost/asio/io_context.hpp>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "common/redis/redis_config.h"
#include "common/redis/subscriber.h"

namespace imagegen::worker {

class CancelListener {
 public:
  // While a Watch lives, a cancel of its job calls its callback (once, on the io_context).
  class Watch {
   public:
    Watch() = default;
    Watch(CancelListener* owner, std::string job_id, std::uint64_t id)
        : owner_(owner), job_id_(std::move(job_id)), id_(id) {}
    Watch(Watch&& o) noexcept { *this = std::move(o); }
    Watch& operator=(Watch&& o) noexcept;
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;
    ~Watch() { reset(); }
    void reset();

   private:
    CancelListener* owner_ = nullptr;
    std::string job_id_;
    std::uint64_t id_ = 0;
  };

  CancelListener(boost::asio::io_context& ioc, redis::RedisConfig redis);
  ~CancelListener();

  void start();

  [[nodiscard]] Watch watch(const std::string& job_id, std::function<void()> on_cancel);

  // True when a cancel for this job was heard recently (a job cancelled while queued is then
  // not run at all). Remembers the last kRemembered ids.
  bool recently_cancelled(std::string_view job_id) const;

  // Handles one channel message (public for tests).
  void on_message(std::string_view job_id);

  static constexpr std::size_t kRemembered = 4096;

 private:
  boost::asio::io_context& ioc_;
  std::unique_ptr<redis::Subscriber> subscriber_;
  mutable std::mutex mutex_;
  std::uint64_t next_id_ = 1;
  std::multimap<std::string, std::pair<std::uint64_t, std::function<void()>>, std::less<>> watches_;
  std::set<std::string, std::less<>> recent_;
  std::deque<std::string> recent_order_;  // oldest first, bounds recent_
};

}  // namespace imagegen::worker
