#include "common/redis/link.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "common/backoff.h"

namespace imagegen::redis::detail {
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

// A ready connection that breaks is retried at once, so one dropped socket (a server restart, a
// command timeout) heals before the next command; but at most this often, so a server that
// accepts and then drops us gets the backoff instead of a busy loop.
constexpr auto kFastRetryInterval = 1s;

// Failures are logged once when they start and then every this many attempts (about every 20 s
// at the default cap), so an outage does not flood the log; stats_ counts every one.
constexpr int kLogEveryNthFailure = 10;

}  // namespace

Link::Link(asio::io_context& io, RedisConfig config)
    : io_(io), config_(std::move(config)), connect_timer_(io), retry_timer_(io), signal_(io) {}

Link::~Link() { close(); }

void Link::start() {
  if (state_ == State::kIdle) begin_attempt();
}

void Link::close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  ++generation_;
  connect_timer_.cancel();
  retry_timer_.cancel();
  if (auto context = std::move(context_)) context->close();
  signal_.notify();
}

void Link::drop(const std::string& reason) {
  if (state_ != State::kReady && state_ != State::kConnecting) return;
  if (!context_) return;
  if (pending_error_.empty()) pending_error_ = reason;
  auto context = context_;  // close() re-enters on_gone, which may install a new context_
  context->close();
}

HiredisAsio* Link::sendable() {
  if (state_ == State::kReady) return context_.get();
  if (state_ == State::kConnecting && failures_ == 0) return context_.get();
  return nullptr;
}

std::string Link::unavailable_reason() const {
  std::string reason = "redis " + where() + " unavailable";
  if (state_ == State::kClosed) return reason + ": connection closed";
  if (!last_error_.empty()) return reason + ": " + last_error_;
  return reason + ": not connected";
}

std::string Link::where() const { return config_.name + " " + describe(config_.url); }

void Link::begin_attempt() {
  const auto generation = ++generation_;
  std::weak_ptr<Link> weak = weak_from_this();
  HiredisAsio::Hooks hooks;
  hooks.on_connect = [weak, generation](const std::string& error) {
    auto self = weak.lock();
    if (self && self->generation_ == generation && !error.empty()) self->pending_error_ = error;
  };
  hooks.on_gone = [weak, generation](const std::string& error) {
    if (auto self = weak.lock()) self->on_gone(generation, error);
  };
  hooks.on_push = hooks_.on_push;

  pending_error_.clear();
  auto opened = HiredisAsio::open(io_, config_.url, std::move(hooks));
  if (!opened) {
    schedule_retry(opened.error().message);
    return;
  }
  context_ = std::move(*opened);
  set_state(State::kConnecting);
  connect_timer_.expires_after(config_.connect_timeout);
  connect_timer_.async_wait([weak, generation](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->on_connect_timeout(generation);
  });
  send_handshake(generation);
}

void Link::send_handshake(std::uint64_t generation) {
  std::weak_ptr<Link> weak = weak_from_this();
  auto expect_ok = [weak, generation](std::string step) {
    return [weak, generation, step = std::move(step)](std::optional<Reply> reply) {
      if (!reply || !reply->is_error()) return;
      if (auto self = weak.lock())
        self->fail_handshake(generation, step + ": " + reply->as_string());
    };
  };
  const RedisUrl& url = config_.url;
  // Sent before any user command, and Redis answers in order, so nothing runs unauthenticated
  // or in the wrong database.
  if (!url.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!url.username.empty()) auth.push_back(url.username);
    auth.push_back(url.password);
    context_->send(auth, expect_ok("AUTH failed"));
  }
  if (url.db != 0) context_->send({"SELECT", std::to_string(url.db)}, expect_ok("SELECT failed"));
  context_->send({"PING"}, [weak, generation](std::optional<Reply> reply) {
    auto self = weak.lock();
    if (!reply || !self) return;
    if (reply->is_error()) {
      self->fail_handshake(generation, "handshake failed: " + reply->as_string());
    } else {
      self->on_handshake_done(generation);
    }
  });
}

void Link::fail_handshake(std::uint64_t generation, std::string reason) {
  if (generation != generation_ || !context_) return;
  if (pending_error_.empty()) pending_error_ = std::move(reason);
  context_->discard_replies();
  // We are inside a reply callback of this context: close it from the loop, not from here.
  asio::post(io_, [weak = weak_from_this(), generation] {
    auto self = weak.lock();
    if (!self || self->generation_ != generation || !self->context_) return;
    auto context = self->context_;
    context->close();
  });
}

void Link::on_handshake_done(std::uint64_t generation) {
  if (generation != generation_ || state_ != State::kConnecting) return;
  connect_timer_.cancel();
  failures_ = 0;
  pending_error_.clear();
  last_error_.clear();
  ++stats_.connects;
  set_state(State::kReady);
  spdlog::info("redis {}: {}", where(), stats_.connects == 1 ? "connected" : "reconnected");
  if (hooks_.on_ready) hooks_.on_ready(*context_);
}

void Link::on_connect_timeout(std::uint64_t generation) {
  if (generation != generation_ || state_ != State::kConnecting || !context_) return;
  if (pending_error_.empty()) {
    pending_error_ =
        "connect timed out after " + std::to_string(config_.connect_timeout.count()) + " ms";
  }
  auto context = context_;
  context->close();
}

// Runs inside hiredis's teardown of the context.
void Link::on_gone(std::uint64_t generation, const std::string& error) {
  if (generation != generation_ || state_ == State::kClosed) return;
  connect_timer_.cancel();
  context_.reset();  // HiredisAsio keeps itself alive until hiredis has returned
  std::string why = !pending_error_.empty() ? pending_error_
                    : !error.empty()        ? error
                                            : "connection closed";
  pending_error_.clear();

  if (state_ != State::kReady) {
    schedule_retry(why);
    return;
  }
  ++stats_.disconnects;
  last_error_ = why;
  spdlog::warn("redis {}: connection lost: {}", where(), why);
  set_state(State::kBackoff);
  if (hooks_.on_lost) hooks_.on_lost();
  if (state_ == State::kClosed) return;  // a hook closed us
  auto now = std::chrono::steady_clock::now();
  if (now - last_fast_retry_ >= kFastRetryInterval) {
    last_fast_retry_ = now;
    begin_attempt();
    return;
  }
  ++failures_;  // dropped again soon after a fast retry: back off like a failed attempt
  arm_retry();
}

void Link::schedule_retry(const std::string& error) {
  ++failures_;
  ++stats_.connect_failures;
  last_error_ = error;
  if (failures_ == 1 || failures_ % kLogEveryNthFailure == 0) {
    spdlog::warn("redis {}: connect attempt {} failed: {}; retrying with backoff", where(),
                 failures_, error);
  }
  arm_retry();
}

void Link::arm_retry() {
  set_state(State::kBackoff);
  retry_timer_.expires_after(
      backoff_delay(failures_, config_.reconnect_initial, config_.reconnect_max, unit_random()));
  retry_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (!ec && self && self->state_ == State::kBackoff) self->begin_attempt();
  });
}

void Link::set_state(State state) {
  state_ = state;
  signal_.notify();
}

}  // namespace imagegen::redis::detail
