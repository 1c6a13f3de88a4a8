#include "common/metrics_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/lifecycle/spawn.h"

namespace imagegen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

struct MetricsServer::State {
  tcp::acceptor acceptor;
  Render render;
  explicit State(asio::io_context& ioc) : acceptor(ioc) {}
};

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> serve(tcp::socket socket, std::shared_ptr<MetricsServer::State> state) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::empty_body> req;
    stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_read(stream, buffer, req, kTuple);
    if (ec) break;
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    if (req.method() == http::verb::get && req.target() == "/metrics") {
      res.result(http::status::ok);
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = state->render();
    } else {
      res.result(http::status::not_found);
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error":"Not found"})";
    }
    res.prepare_payload();
    stream.expires_after(std::chrono::seconds(30));
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(std::shared_ptr<MetricsServer::State> state) {
  for (;;) {
    auto [ec, socket] = co_await state->acceptor.async_accept(kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !state->acceptor.is_open()) co_return;
      continue;
    }
    lifecycle::spawn(state->acceptor.get_executor(), serve(std::move(socket), state),
                     "metrics connection");
  }
}
}  // namespace

MetricsServer::MetricsServer(asio::io_context& ioc, const std::string& host, std::uint16_t port,
                             Render render)
    : state_(std::make_shared<State>(ioc)) {
  state_->render = std::move(render);
  tcp::endpoint ep(asio::ip::make_address(host), port);
  state_->acceptor.open(ep.protocol());
  state_->acceptor.set_option(asio::socket_base::reuse_address(true));
  state_->acceptor.bind(ep);
  state_->acceptor.listen();
  lifecycle::spawn(ioc, accept_loop(state_), "metrics listener");
}

MetricsServer::~MetricsServer() { stop(); }

std::uint16_t MetricsServer::port() const { return state_->acceptor.local_endpoint().port(); }

void MetricsServer::stop() {
  beast::error_code ignored;
  state_->acceptor.close(ignored);
}

}  // namespace imagegen
