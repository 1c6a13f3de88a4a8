#include "common/redis/subscriber.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <set>
#include <vector>

#include "common/redis/link.h"

namespace imagegen::redis {
namespace asio = boost::asio;

struct Subscriber::Impl {
  bool closed() const { return link->state() == detail::Link::State::kClosed; }
  bool complete() const {
    return link->is_ready() && !channels.empty() && confirmed.size() == channels.size();
  }
  void on_ready(detail::HiredisAsio& context);
  void on_push(const std::shared_ptr<Impl>& self, const Reply& reply);

  asio::io_context* io = nullptr;
  std::shared_ptr<detail::Link> link;
  MessageHandler handler;
  std::function<void()> on_resubscribed;
  std::set<std::string> channels;
  std::set<std::string> confirmed;  // on the current connection
  std::uint64_t connections = 0;    // handshakes completed so far
  std::uint64_t reported = 0;       // the connection whose full subscription was announced
};

void Subscriber::Impl::on_ready(detail::HiredisAsio& context) {
  ++connections;
  confirmed.clear();
  if (channels.empty()) return;
  std::vector<std::string> args{"SUBSCRIBE"};
  args.insert(args.end(), channels.begin(), channels.end());
  if (!context.send_subscribe(args)) {
    spdlog::warn("redis {}: could not send SUBSCRIBE", link->config().name);
  }
}

void Subscriber::Impl::on_push(const std::shared_ptr<Impl>& self, const Reply& reply) {
  const auto& parts = reply.elements();
  if (parts.size() != 3 || !parts[0].is_string() || !parts[1].is_string()) return;
  const std::string& kind = parts[0].as_string();
  if (kind == "message") {
    // Hand over from the loop, never from inside hiredis: the handler may destroy us.
    asio::post(*io, [weak = std::weak_ptr<Impl>(self), channel = parts[1].as_string(),
                     message = parts[2].as_string()] {
      auto impl = weak.lock();
      if (impl && !impl->closed() && impl->handler) impl->handler(channel, message);
    });
    return;
  }
  if (kind != "subscribe") return;
  confirmed.insert(parts[1].as_string());
  if (!complete()) return;
  link->signal().notify();
  if (reported == connections) return;
  bool first = reported == 0;
  reported = connections;
  if (first || !on_resubscribed) return;
  asio::post(*io, [weak = std::weak_ptr<Impl>(self)] {
    auto impl = weak.lock();
    if (impl && !impl->closed() && impl->on_resubscribed) impl->on_resubscribed();
  });
}

std::unique_ptr<Subscriber> Subscriber::create(asio::io_context& io, RedisConfig config,
                                               MessageHandler handler) {
  auto impl = std::make_shared<Impl>();
  impl->io = &io;
  impl->handler = std::move(handler);
  impl->link = std::make_shared<detail::Link>(io, std::move(config));
  std::weak_ptr<Impl> weak = impl;
  detail::Link::Hooks hooks;
  hooks.on_ready = [weak](detail::HiredisAsio& context) {
    if (auto impl = weak.lock()) impl->on_ready(context);
  };
  hooks.on_lost = [weak] {
    if (auto impl = weak.lock()) impl->confirmed.clear();
  };
  hooks.on_push = [weak](std::optional<Reply> reply) {
    auto impl = weak.lock();
    if (impl && reply) impl->on_push(impl, *reply);
  };
  impl->link->set_hooks(std::move(hooks));
  return std::unique_ptr<Subscriber>(new Subscriber(std::move(impl)));
}

Subscriber::Subscriber(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Subscriber::~Subscriber() {
  impl_->handler = nullptr;
  impl_->on_resubscribed = nullptr;
  impl_->link->close();
}

void Subscriber::subscribe(std::string channel) {
  if (!impl_->channels.insert(channel).second) return;
  impl_->link->start();
  // Not ready yet: on_ready subscribes to every channel once the handshake is done.
  if (!impl_->link->is_ready()) return;
  if (auto* context = impl_->link->sendable()) context->send_subscribe({"SUBSCRIBE", channel});
}

void Subscriber::set_on_resubscribed(std::function<void()> callback) {
  impl_->on_resubscribed = std::move(callback);
}

bool Subscriber::is_subscribed() const { return impl_->complete(); }

asio::awaitable<Result<Ok>> Subscriber::wait_subscribed(std::chrono::milliseconds timeout) {
  auto impl = impl_;  // the frame keeps the state alive even if *this goes away
  co_await impl->link->signal().wait_until([&impl] { return impl->complete() || impl->closed(); },
                                           timeout);
  if (impl->complete()) co_return Ok{};
  if (impl->closed()) co_return make_error(Errc::kUnavailable, "subscriber closed");
  co_return make_error(Errc::kTimeout, "not subscribed within " + std::to_string(timeout.count()) +
                                           " ms (" + impl->link->unavailable_reason() + ")");
}

ConnectionStats Subscriber::stats() const { return impl_->link->stats(); }

}  // namespace imagegen::redis
