#include "simulator/sim_server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <optional>
#include <thread>
#include <vector>

#include "common/lifecycle/spawn.h"

namespace imagegen::sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kBodyLimit = 16u << 20;
constexpr auto kIdleTimeout = 120s;  // waiting for the next request on a kept-alive connection
constexpr auto kIoTimeout = 30s;     // reading one body, writing one answer

// What shutdown needs to reach inside a live connection.
struct LiveConnection {
  beast::tcp_stream* stream;
  asio::steady_timer* delay;
};

// One event loop: its io_context and connections, touched only from its own thread.
struct Loop {
  asio::io_context ioc{1};
  // A loop with no connection yet has no pending work; this keeps its run() from returning.
  asio::executor_work_guard<asio::io_context::executor_type> keep_running =
      asio::make_work_guard(ioc);
  std::list<LiveConnection> connections;
  bool stopping = false;

  void close_everything() {
    stopping = true;
    keep_running.reset();
    beast::error_code ignored;
    for (auto& c : connections) {
      c.delay->cancel();
      c.stream->socket().close(ignored);
    }
  }
};

// Keeps a connection in its loop's list for as long as its coroutine runs.
class ConnectionGuard {
 public:
  ConnectionGuard(Loop& loop, beast::tcp_stream& stream, asio::steady_timer& delay)
      : loop_(loop), it_(loop.connections.insert(loop.connections.end(), {&stream, &delay})) {}
  ~ConnectionGuard() { loop_.connections.erase(it_); }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

 private:
  Loop& loop_;
  std::list<LiveConnection>::iterator it_;
};

SimRequest to_sim_request(http::request<http::string_body>&& request) {
  SimRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  out.headers.reserve(8);
  for (const auto& field : request)
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  out.body = std::move(request.body());
  out.body.reserve(out.body.size() + simdjson::SIMDJSON_PADDING);  // lets simdjson read in place
  return out;
}

http::response<http::string_body> to_http_response(SimResponse&& sim, unsigned version,
                                                   bool keep_alive) {
  http::response<http::string_body> response;
  response.version(version);
  response.result(static_cast<unsigned>(sim.status));
  response.set(http::field::content_type, "application/json");
  for (auto& [name, value] : sim.headers) response.set(name, value);
  response.keep_alive(keep_alive);
  response.body() = std::move(sim.body);
  response.prepare_payload();
  return response;
}

// `[sim:hang]`: never answer, but notice when the peer goes away. A pending read holds no thread.
asio::awaitable<void> hold_until_peer_closes(beast::tcp_stream& stream) {
  stream.expires_never();
  char sink[512];
  for (;;) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kUseTuple);
    if (ec) co_return;
  }
}

asio::awaitable<void> write_error_and_close(beast::tcp_stream& stream, unsigned version, int status,
                                            std::string_view message) {
  SimResponse sim;
  sim.status = status;
  sim.body = std::string("{\"error\":{\"code\":") + std::to_string(status) + ",\"message\":\"" +
             std::string(message) + "\"}}";
  auto response = to_http_response(std::move(sim), version, false);
  stream.expires_after(kIoTimeout);
  co_await http::async_write(stream, response, kUseTuple);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Counts an answer as waiting on its delay timer for as long as this object lives.
class DelayedGuard {
 public:
  explicit DelayedGuard(std::atomic<std::size_t>& count) : count_(count) {
    count_.fetch_add(1, std::memory_order_relaxed);
  }
  ~DelayedGuard() { count_.fetch_sub(1, std::memory_order_relaxed); }
  DelayedGuard(const DelayedGuard&) = delete;
  DelayedGuard& operator=(const DelayedGuard&) = delete;

 private:
  std::atomic<std::size_t>& count_;
};

asio::awaitable<void> serve_connection(Loop& loop, tcp::socket socket, Router& router,
                                       std::atomic<std::size_t>& delayed) {
  beast::tcp_stream stream(std::move(socket));
  asio::steady_timer delay(stream.get_executor());
  ConnectionGuard guard(loop, stream, delay);
  beast::flat_buffer buffer;
  simdjson::ondemand::parser json;  // per connection: parsers are not thread-safe and reuse memory

  while (!loop.stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);

    stream.expires_after(kIdleTimeout);
    if (auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kUseTuple); ec) {
      // A Content-Length over the limit is refused as soon as the header is in.
      if (ec == http::error::body_limit)
        co_await write_error_and_close(stream, 11, 413, "body too large");
      if (ec == http::error::header_limit)
        co_await write_error_and_close(stream, 11, 431, "header too large");
      co_return;  // end of stream, timeout, reset or garbage: nothing to answer
    }
    const unsigned version = parser.get().version();
    // curl waits a whole second for this before sending bodies over 1 MiB.
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on{http::status::continue_, version};
      stream.expires_after(kIoTimeout);
      if (auto [ec, n] = co_await http::async_write(stream, go_on, kUseTuple); ec) co_return;
    }
    if (!parser.is_done()) {
      stream.expires_after(kIoTimeout);
      if (auto [ec, n] = co_await http::async_read(stream, buffer, parser, kUseTuple); ec) {
        if (ec == http::error::body_limit)
          co_await write_error_and_close(stream, version, 413, "body too large");
        co_return;
      }
    }

    const bool keep_alive = parser.get().keep_alive();
    SimResponse answer = router.dispatch(to_sim_request(parser.release()), json);
    if (answer.hang) {
      co_await hold_until_peer_closes(stream);
      co_return;
    }
    if (answer.delay_ms > 0) {
      // A timer on this loop, not a thread: one loop holds any number of delayed answers.
      DelayedGuard waiting(delayed);
      delay.expires_after(std::chrono::milliseconds(answer.delay_ms));
      co_await delay.async_wait(kUseTuple);
      if (loop.stopping) co_return;
    }

    auto response = to_http_response(std::move(answer), version, keep_alive && !loop.stopping);
    stream.expires_after(kIoTimeout);
    if (auto [ec, n] = co_await http::async_write(stream, response, kUseTuple); ec) co_return;
    if (response.need_eof()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace

struct SimServer::Impl {
  Router& router;
  std::vector<std::unique_ptr<Loop>> loops;  // loops[0] also runs the acceptor and signals
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::uint16_t port = 0;
  std::atomic<bool> stop_requested{false};
  std::atomic<std::size_t> delayed{0};

  explicit Impl(Router& r) : router(r) {}

  // Runs on loops[0]. One acceptor hands connections to the loops in turn: the socket is created
  // on its target loop's io_context and its coroutine starts there, so a connection lives on one
  // thread for its whole life. (One acceptor rather than one SO_REUSEPORT socket per loop: with
  // SO_REUSEPORT a second simulator started on the same port would silently share it.)
  asio::awaitable<void> accept_loop() {
    Loop& home = *loops.front();
    for (std::size_t next = 0;; ++next) {
      Loop& target = *loops[next % loops.size()];
      auto [ec, socket] = co_await acceptor->async_accept(target.ioc, kUseTuple);
      if (home.stopping) co_return;
      if (ec) {
        // Typically EMFILE under a connection storm: back off instead of spinning on accept.
        spdlog::warn("imagegen-sim: accept failed: {}", ec.message());
        asio::steady_timer backoff(home.ioc, 50ms);
        co_await backoff.async_wait(kUseTuple);
        continue;
      }
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      lifecycle::spawn(target.ioc, serve_connection(target, std::move(socket), router, delayed),
                       "imagegen-sim connection");
    }
  }
};

SimServer::SimServer(const ServerConfig& config, Router& router)
    : impl_(std::make_unique<Impl>(router)) {
  const tcp::endpoint endpoint(asio::ip::make_address(config.bind_address), config.port);
  const unsigned threads = config.threads == 0 ? 1 : config.threads;
  for (unsigned i = 0; i < threads; ++i) impl_->loops.push_back(std::make_unique<Loop>());
  auto& acceptor = impl_->acceptor.emplace(impl_->loops.front()->ioc);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(
      asio::socket_base::reuse_address(true));  // restarts need not wait out TIME_WAIT
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->port = acceptor.local_endpoint().port();
  if (config.stop_on_signals) {
    impl_->signals.emplace(impl_->loops.front()->ioc, SIGINT, SIGTERM);
    impl_->signals->async_wait([this](const beast::error_code& ec, int signal) {
      if (ec) return;
      spdlog::info("imagegen-sim: signal {}, stopping", signal);
      stop();
    });
  }
}

SimServer::~SimServer() = default;

std::uint16_t SimServer::port() const { return impl_->port; }

std::size_t SimServer::delayed_now() const {
  return impl_->delayed.load(std::memory_order_relaxed);
}

void SimServer::run() {
  lifecycle::spawn(impl_->loops.front()->ioc, impl_->accept_loop(), "imagegen-sim acceptor");
  std::vector<std::thread> others;
  for (std::size_t i = 1; i < impl_->loops.size(); ++i) {
    others.emplace_back([loop = impl_->loops[i].get()] { loop->ioc.run(); });
  }
  impl_->loops.front()->ioc.run();
  for (auto& t : others) t.join();
}

void SimServer::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  for (std::size_t i = 0; i < impl_->loops.size(); ++i) {
    Loop& loop = *impl_->loops[i];
    asio::post(loop.ioc, [this, &loop, first = i == 0] {
      loop.close_everything();
      if (first) {
        beast::error_code ignored;
        impl_->acceptor->close(ignored);
        if (impl_->signals) impl_->signals->cancel(ignored);
      }
    });
  }
}

}  // namespace imagegen::sim
