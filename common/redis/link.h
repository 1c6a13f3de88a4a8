#pragma once
// Internal to common/redis. Keeps one logical connection to Redis up for a Connection or a
// Subscriber: lazy connect, connect timeout, the AUTH / SELECT / PING handshake, reconnect with
// backoff after failures, and state signals. Owned by shared_ptr; callbacks hold weak refs.
// Not thread-safe: use it from the thread that runs its io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "common/redis/connection_stats.h"
#include "common/redis/hiredis_asio.h"
#include "common/redis/redis_config.h"
#include "common/redis/state_signal.h"

namespace imagegen::redis::detail {

class Link : public std::enable_shared_from_this<Link> {
 public:
  enum class State {
    kIdle,        // never started
    kConnecting,  // a context exists; TCP connect or handshake in flight
    kReady,       // handshake done
    kBackoff,     // no context; waiting for the next attempt
    kClosed,      // close() was called; final
  };

  // Run inside hiredis callbacks: they may send on the context, never run user code inline.
  struct Hooks {
    std::function<void(HiredisAsio& context)> on_ready;  // after each successful handshake
    std::function<void()> on_lost;                       // a ready context went away
    HiredisAsio::ReplyFn on_push;                        // subscription replies
  };

  Link(boost::asio::io_context& io, RedisConfig config);
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  ~Link();

  void set_hooks(Hooks hooks) { hooks_ = std::move(hooks); }

  // Starts the first connect attempt; no-op unless idle.
  void start();
  // Final. Frees the context (its pending replies fail at once) and stops reconnecting.
  void close();
  // Closes the current context because of `reason`; reconnecting follows the usual policy.
  void drop(const std::string& reason);

  State state() const { return state_; }
  bool is_ready() const { return state_ == State::kReady; }
  // Where to send a command now: the ready context, or the connecting one when no attempt has
  // failed since the last ready period (the command waits behind the handshake). nullptr means
  // "fail fast": Redis is known to be unreachable.
  HiredisAsio* sendable();
  // Why the link is not ready, for error messages ("Connection refused", "connect timed out").
  std::string unavailable_reason() const;

  boost::asio::io_context& io() { return io_; }
  const RedisConfig& config() const { return config_; }
  const ConnectionStats& stats() const { return stats_; }
  StateSignal& signal() { return signal_; }

 private:
  void begin_attempt();
  void send_handshake(std::uint64_t generation);
  void fail_handshake(std::uint64_t generation, std::string reason);
  void on_handshake_done(std::uint64_t generation);
  void on_connect_timeout(std::uint64_t generation);
  void on_gone(std::uint64_t generation, const std::string& error);
  void schedule_retry(const std::string& error);
  void arm_retry();
  void set_state(State state);
  std::string where() const;

  boost::asio::io_context& io_;
  RedisConfig config_;
  Hooks hooks_;
  State state_ = State::kIdle;
  std::shared_ptr<HiredisAsio> context_;
  std::uint64_t generation_ = 0;  // bumped per attempt; callbacks of older attempts are ignored
  int failures_ = 0;              // attempts failed since the link was last ready
  std::string pending_error_;     // why we are closing the current context ourselves
  std::string last_error_;
  std::chrono::steady_clock::time_point last_fast_retry_{};
  boost::asio::steady_timer connect_timer_;
  boost::asio::steady_timer retry_timer_;
  StateSignal signal_;
  ConnectionStats stats_;
};

}  // namespace imagegen::redis::detail
