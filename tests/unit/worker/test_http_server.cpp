#include "tests/unit/worker/test_http_server.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>

namespace imagegen::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  return s;
}

bool parse_head(const std::string& head, TestRequest& req) {
  std::size_t eol = head.find("\r\n");
  const std::string line = head.substr(0, eol);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return false;
  req.method = line.substr(0, sp1);
  req.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::size_t pos = eol + 2;
  while (pos < head.size()) {
    eol = head.find("\r\n", pos);
    if (eol == std::string::npos || eol == pos) break;
    const std::string h = head.substr(pos, eol - pos);
    const auto colon = h.find(':');
    if (colon != std::string::npos) {
      req.headers.emplace_back(lower(h.substr(0, colon)), trim(h.substr(colon + 1)));
    }
    pos = eol + 2;
  }
  return true;
}

}  // namespace

std::string TestRequest::header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

TestHttpServer::TestHttpServer(asio::io_context& io, Handler handler)
    : io_(io),
      handler_(std::move(handler)),
      acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
      release_(io, asio::steady_timer::time_point::max()) {
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // a bug in the test server must fail the test loudly
  });
}

TestHttpServer::~TestHttpServer() {
  *alive_ = false;
  release_.cancel();
  boost::system::error_code ec;
  acceptor_.close(ec);
}

asio::awaitable<void> TestHttpServer::accept_loop() {
  auto alive = alive_;
  while (*alive) {
    auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
    if (ec || !*alive) co_return;
    ++accepted_;
    asio::co_spawn(io_, serve(std::move(socket)), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
}

asio::awaitable<void> TestHttpServer::serve(tcp::socket socket) {
  auto alive = alive_;
  std::string buf;
  while (true) {
    auto [ec, n] =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buf), "\r\n\r\n", kTuple);
    if (ec || !*alive) co_return;
    TestRequest req;
    if (!parse_head(buf.substr(0, n), req)) co_return;
    buf.erase(0, n);
    std::size_t length = 0;
    if (auto cl = req.header("content-length"); !cl.empty()) length = std::stoul(cl);
    if (buf.size() < length) {
      auto [ec2, m] = co_await asio::async_read(
          socket, asio::dynamic_buffer(buf), asio::transfer_exactly(length - buf.size()), kTuple);
      if (ec2 || !*alive) co_return;
    }
    req.body = buf.substr(0, length);
    buf.erase(0, length);
    requests_.push_back(req);
    TestReply reply = handler_(req);
    if (requests_.size() < hold_until_) {
      co_await release_.async_wait(kTuple);
      if (!*alive) co_return;
    } else if (hold_until_ > 0) {
      release_.cancel();
    }
    if (reply.hang) {
      // Hold the connection until the client gives up and closes it.
      char sink[256];
      while (true) {
        auto [ec3, k] = co_await socket.async_read_some(asio::buffer(sink), kTuple);
        if (ec3) co_return;
      }
    }
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    out += "\r\n";
    out += reply.body;
    auto [ec4, w] = co_await asio::async_write(socket, asio::buffer(out), kTuple);
    if (ec4 || reply.close_after) co_return;  // the socket closes as the coroutine ends
  }
}

void run_until_done(asio::io_context& io, asio::awaitable<void> work,
                    std::chrono::milliseconds limit) {
  // Shared so a late completion (after a timeout throw) never touches a dead stack frame.
  struct State {
    bool done = false;
    std::exception_ptr error;
  };
  auto state = std::make_shared<State>();
  asio::co_spawn(io, std::move(work), [state](std::exception_ptr e) {
    state->error = e;
    state->done = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!state->done && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(50));
  }
  if (state->error) std::rethrow_exception(state->error);
  if (!state->done) throw std::runtime_error("test coroutine did not finish in time");
}

unsigned short refused_port() {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

}  // namespace imagegen::testing
