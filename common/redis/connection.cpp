#include "common/redis/connection.h"

#include <algorithm>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "common/redis/link.h"
#include "common/redis/resp.h"

namespace imagegen::redis {
namespace asio = boost::asio;

namespace {

using CommandHandler = asio::any_completion_handler<void(Result<Reply>)>;

// One command in flight. The first of reply, teardown and deadline completes the handler; the
// others find `done` and only drop their reference.
struct PendingCommand {
  PendingCommand(asio::io_context& io, asio::any_io_executor ex, CommandHandler h)
      : timer(io), executor(std::move(ex)), handler(std::move(h)) {}

  void finish(Result<Reply> result) {
    if (done) return;
    done = true;
    timer.cancel();
    // Resume the caller from the loop, never from inside hiredis: it may send more commands or
    // destroy the Connection, and hiredis must not be re-entered that way.
    asio::post(executor, asio::append(std::move(handler), std::move(result)));
  }

  asio::steady_timer timer;
  asio::any_io_executor executor;  // the caller's (the awaiting coroutine's)
  CommandHandler handler;
  bool done = false;
  std::uint64_t replies_at_send = 0;  // Impl::replies when it was sent
};

bool is_command(const std::string& arg, std::string_view name) {
  return std::equal(arg.begin(), arg.end(), name.begin(), name.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == b;
  });
}

// "" when the command may be sent on a plain connection.
std::string check_command(const std::vector<std::string>& args) {
  if (args.empty()) return "empty Redis command";
  // hiredis calls a subscription's callback once per message, but a command's only once: these
  // would outlive their callback. They belong on a Subscriber.
  for (std::string_view name : {"subscribe", "psubscribe", "unsubscribe", "punsubscribe",
                                "ssubscribe", "sunsubscribe", "monitor"}) {
    if (is_command(args.front(), name)) {
      return "'" + args.front() + "' is not allowed on a Connection; use a Subscriber";
    }
  }
  return "";
}

}  // namespace

struct Connection::Impl {
  // The command: `args`, or when it is null `wire`, the command already in wire format (resp.h).
  // hiredis copies either before this returns; `args` is formatted only after the link has
  // started, since starting it may send AUTH/SELECT/PING first.
  void start_command(const std::shared_ptr<Impl>& self, const std::vector<std::string>* args,
                     std::string_view wire, std::chrono::milliseconds timeout,
                     asio::any_io_executor executor, CommandHandler handler);
  void on_timeout(const PendingCommand& op, std::chrono::milliseconds timeout);

  std::shared_ptr<detail::Link> link;
  std::function<void()> on_connected;
  std::uint64_t timeouts = 0;
  std::uint64_t replies = 0;  // replies read on this connection, all of them
};

void Connection::Impl::start_command(const std::shared_ptr<Impl>& self,
                                     const std::vector<std::string>* args, std::string_view wire,
                                     std::chrono::milliseconds timeout,
                                     asio::any_io_executor executor, CommandHandler handler) {
  auto op = std::make_shared<PendingCommand>(link->io(), std::move(executor), std::move(handler));
  op->replies_at_send = replies;
  if (link->state() != detail::Link::State::kClosed) link->start();
  detail::HiredisAsio* context = link->sendable();
  auto counted = [op, weak = std::weak_ptr<Impl>(self)](std::optional<Reply> reply) {
    if (reply) {
      if (auto impl = weak.lock()) ++impl->replies;
      op->finish(std::move(*reply));
    } else {
      op->finish(make_error(Errc::kUnavailable,
                            "redis connection closed before the reply; the command may have run"));
    }
  };
  // Formatted (for `args`) only now, after link->start(): nothing else can reuse the buffer.
  bool sent =
      context != nullptr && (args != nullptr ? context->send(*args, std::move(counted))
                                             : context->send_formatted(wire, std::move(counted)));
  if (!sent) {
    op->finish(make_error(Errc::kUnavailable, link->unavailable_reason()));
    return;
  }
  op->timer.expires_after(timeout);
  op->timer.async_wait(
      [op, weak = std::weak_ptr<Impl>(self), timeout](const boost::system::error_code& ec) {
        if (ec || op->done) return;
        op->finish(make_error(Errc::kTimeout,
                              "redis: no reply within " + std::to_string(timeout.count()) + " ms"));
        if (auto impl = weak.lock()) impl->on_timeout(*op, timeout);
      });
}

void Connection::Impl::on_timeout(const PendingCommand& op, std::chrono::milliseconds timeout) {
  ++timeouts;
  // Replies come back in order. If some arrived since this command was sent, the connection is
  // alive and only slow (a backlog in a loaded Redis or process): this command alone fails, its
  // late reply is dropped, and the commands behind it keep their chance. Reopening would fail
  // every one of them at once. No reply at all for the whole deadline: it is stuck (a blocking
  // command, a hung or unreachable Redis), and it is reopened.
  if (replies != op.replies_at_send) return;
  if (link->config().reconnect_on_timeout) {
    link->drop("a command got no reply within " + std::to_string(timeout.count()) + " ms");
  }
}

std::unique_ptr<Connection> Connection::create(asio::io_context& io, RedisConfig config) {
  auto impl = std::make_shared<Impl>();
  impl->link = std::make_shared<detail::Link>(io, std::move(config));
  detail::Link::Hooks hooks;
  hooks.on_ready = [weak = std::weak_ptr<Impl>(impl), &io](detail::HiredisAsio&) {
    auto impl = weak.lock();
    if (!impl || !impl->on_connected) return;
    asio::post(io, [weak] {
      auto impl = weak.lock();
      if (impl && impl->on_connected && impl->link->state() != detail::Link::State::kClosed) {
        impl->on_connected();
      }
    });
  };
  impl->link->set_hooks(std::move(hooks));
  return std::unique_ptr<Connection>(new Connection(std::move(impl)));
}

Connection::Connection(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Connection::~Connection() {
  impl_->on_connected = nullptr;
  impl_->link->close();
}

asio::awaitable<Result<Reply>> Connection::command(std::vector<std::string> args,
                                                   std::chrono::milliseconds timeout) {
  return command_on(impl_, std::move(args), timeout);
}

asio::awaitable<Result<Reply>> Connection::command_on(std::shared_ptr<Impl> impl,
                                                      std::vector<std::string> args,
                                                      std::chrono::milliseconds timeout,
                                                      std::string_view wire) {
  if (wire.empty()) {
    if (auto problem = check_command(args); !problem.empty()) {
      co_return make_error(Errc::kInvalidArgument, problem);
    }
  }
  const std::vector<std::string>* command = wire.empty() ? &args : nullptr;
  // A deadline that travels with a request may already be spent: do not send what nobody
  // would wait for (and do not reset the connection over it).
  if (timeout <= std::chrono::milliseconds::zero()) {
    co_return make_error(Errc::kTimeout, "redis: deadline already passed");
  }
  // A named local, not a lambda inside the co_await expression (g++ 12 and temporaries there).
  auto initiate = [&impl, command, wire, timeout](auto handler) {
    // Taken while the handler's type is known: the type-erased handler's executor cannot
    // be required to be non-blocking in Boost 1.81.
    asio::any_io_executor executor =
        asio::get_associated_executor(handler, impl->link->io().get_executor());
    impl->start_command(impl, command, wire, timeout, std::move(executor),
                        CommandHandler(std::move(handler)));
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(Result<Reply>)>(
      initiate, asio::use_awaitable);
}

asio::awaitable<Result<Ok>> Connection::wait_connected(std::chrono::milliseconds timeout) {
  auto link = impl_->link;  // the frame keeps the state alive even if *this goes away
  using State = detail::Link::State;
  link->start();
  co_await link->signal().wait_until(
      [&link] { return link->is_ready() || link->state() == State::kClosed; }, timeout);
  if (link->is_ready()) co_return Ok{};
  if (link->state() == State::kClosed) {
    co_return make_error(Errc::kUnavailable, link->unavailable_reason());
  }
  co_return make_error(Errc::kTimeout, "not connected within " + std::to_string(timeout.count()) +
                                           " ms (" + link->unavailable_reason() + ")");
}

bool Connection::is_connected() const { return impl_->link->is_ready(); }

void Connection::set_on_connected(std::function<void()> callback) {
  impl_->on_connected = std::move(callback);
}

ConnectionStats Connection::stats() const {
  ConnectionStats stats = impl_->link->stats();
  stats.timeouts = impl_->timeouts;
  return stats;
}

const RedisConfig& Connection::config() const { return impl_->link->config(); }

}  // namespace imagegen::redis
