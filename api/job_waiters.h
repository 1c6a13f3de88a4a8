#pragma once
// Requests waiting for their job's completion message, per api thread (not thread-safe: owned by
// that thread's io_context). A waiter is registered before the job is admitted so a message
// that arrives before the admission reply is not lost.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/protocol/completion.h"

namespace imagegen::api {

class JobWaiters {
 public:
  struct Waiter {
    explicit Waiter(boost::asio::io_context& ioc) : timer(ioc) {}
    boost::asio::steady_timer timer;
    std::optional<protocol::Completion> result;
  };

  explicit JobWaiters(boost::asio::io_context& ioc) : ioc_(ioc) {}

  std::shared_ptr<Waiter> add(const std::string& job_id,
                              std::chrono::steady_clock::time_point deadline);
  void remove(const std::string& job_id);
  // Wakes the waiter of m.job_id, if any; unknown ids are ignored (another instance's or late).
  void deliver(protocol::Completion m);
  std::vector<std::string> pending_ids() const;
  std::size_t size() const { return waiters_.size(); }

 private:
  boost::asio::io_context& ioc_;
  std::unordered_map<std::string, std::shared_ptr<Waiter>> waiters_;
};

}  // namespace imagegen::api
