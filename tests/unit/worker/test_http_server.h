#pragma once
// A minimal HTTP/1.1 responder for tests: binds 127.0.0.1 on a free port, keeps connections
// alive, answers each request with whatever the test's handler returns. Runs on the test's
// io_context; no threads, no sleeps.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <string>
#include <vector>

#include "worker/providers/http_message.h"

namespace imagegen::testing {

struct TestRequest {
  std::string method;
  std::string target;
  worker::HeaderList headers;  // names lower-cased
  std::string body;
  std::string header(std::string_view lower_name) const;
};

struct TestReply {
  int status = 200;
  worker::HeaderList headers;
  std::string body;
  bool hang = false;  // read the request, never answer (the client must time out)
  // Close the connection right after the reply, without saying so in a header: what a server
  // does to a keep-alive connection it times out while the client holds it idle.
  bool close_after = false;
};

inline TestReply hang_reply() {
  TestReply r;
  r.hang = true;
  return r;
}

class TestHttpServer {
 public:
  using Handler = std::function<TestReply(const TestRequest&)>;
  TestHttpServer(boost::asio::io_context& io, Handler handler);
  ~TestHttpServer();

  unsigned short port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections_accepted() const { return accepted_; }
  // Answers nothing until `n` requests have arrived (all in flight at once), then everything.
  // Proves concurrency without timing: sequential callers would wait forever.
  void hold_replies_until(std::size_t n) { hold_until_ = n; }
  const std::vector<TestRequest>& requests() const { return requests_; }

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  Handler handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  int accepted_ = 0;
  std::vector<TestRequest> requests_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::size_t hold_until_ = 0;
  boost::asio::steady_timer release_;  // waiters block on it; cancel() releases them all
};

// Runs `work` on `io` until it finishes (or `limit` passes: then throws). Rethrows exceptions.
void run_until_done(boost::asio::io_context& io, boost::asio::awaitable<void> work,
                    std::chrono::milliseconds limit = std::chrono::seconds(30));

// A port on 127.0.0.1 that refuses connections (bound, then closed).
unsigned short refused_port();

}  // namespace imagegen::testing

// The worker's tests name these without the namespace.
namespace imagegen::worker {
using testing::TestReply;
using testing::TestRequest;
}  // namespace imagegen::worker
