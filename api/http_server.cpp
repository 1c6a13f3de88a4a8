#include "api/http_server.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <set>

#include "api/request_id.h"
#include "api/router.h"
#include "common/lifecycle/spawn.h"

namespace imagegen::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using std::chrono::milliseconds;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;
const ApiResponse kHeadersTooLarge{431, R"({"error":"Request headers too large"})", {}};
const ApiResponse kBodyTooLarge{413, R"({"error":"Request body too large"})", {}};

template <typename Field>
std::string header_value(const http::request_parser<http::string_body>& p, Field f) {
  auto it = p.get().find(f);
  return it == p.get().end() ? std::string() : std::string(it->value());
}

// Every value of a header that may be repeated, comma-joined (RFC 9110 5.3).
std::string all_values(const http::request_parser<http::string_body>& p, std::string_view name) {
  std::string out;
  for (auto range = p.get().equal_range(name); range.first != range.second; ++range.first) {
    if (!out.empty()) out += ", ";
    out += std::string_view(range.first->value());
  }
  return out;
}
}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& ioc, const ApiConfig& c, ApiService& s, ApiMetrics& m,
       std::atomic<std::int64_t>& open)
      : acceptor(ioc), config(c), service(s), metrics(m), open_connections(open) {}

  tcp::acceptor acceptor;
  const ApiConfig& config;
  ApiService& service;
  ApiMetrics& metrics;
  std::atomic<std::int64_t>& open_connections;
  bool stopping = false;
  int sessions = 0;
  std::set<beast::tcp_stream*> idle;  // connections waiting for their next request
  std::function<void()> on_drained;

  void session_ended() {
    if (--sessions == 0 && stopping && on_drained)
      asio::post(acceptor.get_executor(), std::exchange(on_drained, nullptr));
  }

  asio::awaitable<void> write(beast::tcp_stream& stream, const ApiResponse& r, unsigned version,
                              bool keep_alive) {
    http::response<http::string_body> res{static_cast<http::status>(r.status), version};
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers) res.set(k, v);
    res.keep_alive(keep_alive);
    res.body() = r.body;
    res.prepare_payload();
    stream.expires_after(milliseconds(config.header_timeout_ms));
    co_await http::async_write(stream, res, kTuple);
  }

  // Answers a request we will not read (413/431) and closes without a reset: closing with unread
  // input makes the kernel send RST, and the client would never see the answer. So: write, stop
  // sending, read and discard what is still coming for a bounded time.
  asio::awaitable<void> refuse_and_close(beast::tcp_stream& stream, const ApiResponse& r,
                                         unsigned version) {
    co_await write(stream, r, version, false);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 16384> sink;
    std::size_t drained = 0;
    stream.expires_after(std::chrono::seconds(2));
    while (drained < 8 * config.max_body_bytes + (1 << 20)) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (ec) break;
      drained += n;
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(8192);
    bool first = true;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(config.max_body_bytes);
      // A new connection gets the header timeout; an idle keep-alive one the idle timeout.
      stream.expires_after(milliseconds(first ? config.header_timeout_ms : config.idle_timeout_ms));
      first = false;
      idle.insert(&stream);
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kTuple);
      idle.erase(&stream);
      if (ec) {
        if (ec == http::error::header_limit) {
          metrics.request("other", 431, 0.0);
          co_await refuse_and_close(stream, kHeadersTooLarge, 11);
        }
        // A Content-Length over the limit is refused by the parser while reading the header.
        if (ec == http::error::body_limit) {
          metrics.request("other", 413, 0.0);
          co_await refuse_and_close(stream, kBodyTooLarge, 11);
        }
        break;
      }
      const auto started = std::chrono::steady_clock::now();
      auto& hdr = parser.get();
      if (auto len = parser.content_length(); len && *len > config.max_body_bytes) {
        metrics.request("other", 413, 0.0);
        co_await refuse_and_close(stream, kBodyTooLarge, hdr.version());
        break;
      }
      if (beast::iequals(hdr[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, hdr.version()};
        co_await http::async_write(stream, cont, kTuple);
      }
      stream.expires_after(milliseconds(config.header_timeout_ms));
      auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
      if (bec) {
        if (bec == http::error::body_limit) {
          metrics.request("other", 413, 0.0);
          co_await refuse_and_close(stream, kBodyTooLarge, hdr.version());
        }
        break;
      }
      ApiRequest req;
      req.method = std::string(hdr.method_string());
      std::string_view target = hdr.target();
      const auto query_at = target.find('?');
      req.target = std::string(target.substr(0, query_at));
      if (query_at != std::string_view::npos) req.query = std::string(target.substr(query_at + 1));
      req.authorization = header_value(parser, http::field::authorization);
      req.content_type = header_value(parser, http::field::content_type);
      req.idempotency_key = [&] {
        auto it = hdr.find("Idempotency-Key");
        return it == hdr.end() ? std::string() : std::string(it->value());
      }();
      req.request_id = accept_or_make_request_id(header_value(parser, "X-Request-Id"));
      req.if_none_match = header_value(parser, http::field::if_none_match);
      req.range = header_value(parser, http::field::range);
      req.prefer = all_values(parser, "Prefer");
      bool keep_alive = hdr.keep_alive();
      const unsigned version = hdr.version();
      req.body = std::move(parser.get().body());
      req.body.reserve(req.body.size() + simdjson::SIMDJSON_PADDING);  // parse in place, no copy
      const RouteMatch match = match_route(req.method, req.target);
      const std::string_view route = route_name(match.route);
      const std::string request_id = req.request_id;
      const std::string method = req.method;
      const std::string path = req.target;

      // No socket deadline while the handler waits on its job: the handler's own bound applies.
      stream.expires_never();
      ApiResponse res = co_await service.handle(std::move(req), match);
      res.headers.emplace_back("X-Request-Id", request_id);
      if (stopping) keep_alive = false;  // draining: this is the connection's last response
      co_await write(stream, res, version, keep_alive);
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics.request(route, res.status, seconds, res.model);
      log_access(AccessRecord{method, path, route, res.status, seconds, res.user_id, res.model,
                              res.job_id, request_id, res.body.size()});
      if (!keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> accept_loop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;  // EMFILE and friends: keep serving the connections we have
      }
      if (open_connections.fetch_add(1) >= config.max_connections) {
        open_connections.fetch_sub(1);
        beast::error_code ignored;
        socket.close(ignored);
        metrics.refused("connection_limit", "");
        continue;
      }
      metrics.connections_delta(1);
      socket.set_option(tcp::no_delay(true));
      ++sessions;
      asio::co_spawn(acceptor.get_executor(), session(std::move(socket)),
                     [self](std::exception_ptr e) {
                       self->session_ended();
                       self->open_connections.fetch_sub(1);
                       self->metrics.connections_delta(-1);
                       if (e) {
                         try {
                           std::rethrow_exception(e);
                         } catch (const std::exception& ex) {
                           spdlog::error("connection ended with an exception: {}", ex.what());
                         }
                       }
                     });
    }
  }
};

HttpServer::HttpServer(asio::io_context& ioc, const ApiConfig& config, ApiService& service,
                       ApiMetrics& metrics, std::atomic<std::int64_t>& open_connections)
    : impl_(std::make_shared<Impl>(ioc, config, service, metrics, open_connections)) {
  tcp::endpoint ep(asio::ip::make_address(config.host), config.port);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  int one = 1;
  ::setsockopt(impl_->acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
}

void HttpServer::start() {
  lifecycle::spawn(impl_->acceptor.get_executor(), impl_->accept_loop(), "api listener");
}

void HttpServer::stop(std::function<void()> on_drained) {
  impl_->stopping = true;
  impl_->on_drained = std::move(on_drained);
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
  for (auto* stream : impl_->idle) stream->socket().cancel(ignored);
  if (impl_->sessions == 0 && impl_->on_drained) {
    asio::post(impl_->acceptor.get_executor(), std::exchange(impl_->on_drained, nullptr));
  }
}

}  // namespace imagegen::api
