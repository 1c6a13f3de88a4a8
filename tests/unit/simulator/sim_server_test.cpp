// The server end to end, in process: a real listener on a free port, a plain POSIX client.
#include "simulator/sim_server.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

namespace imagegen::sim {
namespace {

constexpr std::string_view kGeminiPath = "/v1beta/models/gemini-2.5-flash-image:generateContent";

std::string gemini_http(std::string_view prompt, std::string_view extra_headers = "") {
  const std::string body =
      R"({"contents":[{"parts":[{"text":")" + std::string(prompt) + R"("}]}]})";
  return "POST " + std::string(kGeminiPath) + " HTTP/1.1\r\nHost: sim\r\nx-goog-api-key: k\r\n" +
         std::string(extra_headers) +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{10, 0};  // a safety net against a broken server, never reached when it works
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }
  void send(std::string_view data) {
    ASSERT_EQ(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL), ssize_t(data.size()));
  }

  // One response: status line and headers, then Content-Length bytes of body. Empty on EOF.
  std::string read_response() {
    std::size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return {};
    }
    std::size_t length = 0;
    if (const auto at = pending_.find("Content-Length: ");
        at != std::string::npos && at < header_end) {
      length = std::stoul(pending_.substr(at + 16));
    }
    while (pending_.size() < header_end + 4 + length) {
      if (!fill()) return {};
    }
    std::string response = pending_.substr(0, header_end + 4 + length);
    pending_.erase(0, response.size());
    return response;
  }

  bool has_data_now() {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

  // True once the server has closed the connection (EOF or reset).
  bool sees_close() {
    char c;
    return ::recv(fd_, &c, 1, 0) <= 0;
  }

 private:
  bool fill() {
    char buffer[65536];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

class SimServerTest : public ::testing::Test {
 protected:
  SimServerTest()
      : router_({}, services_), server_({.port = 0, .stop_on_signals = false}, router_) {
    thread_ = std::thread([this] { server_.run(); });
  }
  ~SimServerTest() override {
    server_.stop();
    thread_.join();
  }

  SimServices services_;
  Router router_;
  SimServer server_;
  std::thread thread_;
};

TEST_F(SimServerTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  Client client(server_.port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    client.send(gemini_http("fox"));
    const std::string response = client.read_response();
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200 OK\r\n")) << response.substr(0, 200);
    EXPECT_NE(response.find("Content-Type: application/json"), std::string::npos);
    EXPECT_NE(response.find("\"inlineData\""), std::string::npos);
  }
}

TEST_F(SimServerTest, AnswersExpectContinueBeforeTheBody) {
  Client client(server_.port());
  const std::string request = gemini_http("fox", "Expect: 100-continue\r\n");
  const auto split = request.find("\r\n\r\n") + 4;
  client.send(request.substr(0, split));
  EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 100 Continue"));
  client.send(request.substr(split));
  EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 200 OK"));
}

TEST_F(SimServerTest, SendsDirectiveStatusAndHeaders) {
  Client client(server_.port());
  client.send(gemini_http("fox [sim:fail=429,retry-after=4]"));
  const std::string response = client.read_response();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 429")) << response;
  EXPECT_NE(response.find("Retry-After: 4\r\n"), std::string::npos);
  EXPECT_NE(response.find("RESOURCE_EXHAUSTED"), std::string::npos);
}

TEST_F(SimServerTest, DelaysTheAnswer) {
  Client client(server_.port());
  const auto start = std::chrono::steady_clock::now();
  client.send(gemini_http("fox [sim:delay=60]"));
  EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 200"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
}

TEST_F(SimServerTest, HangNeverAnswersNorBlocksOthersAndStopClosesIt) {
  Client hung(server_.port());
  hung.send(gemini_http("fox [sim:hang]"));
  Client other(server_.port());
  other.send(gemini_http("fox"));
  EXPECT_TRUE(other.read_response().starts_with("HTTP/1.1 200"));
  EXPECT_FALSE(hung.has_data_now());
  server_.stop();
  EXPECT_TRUE(hung.sees_close());
}

TEST_F(SimServerTest, RefusesBodiesOverTheLimit) {
  Client client(server_.port());
  client.send("POST " + std::string(kGeminiPath) +
              " HTTP/1.1\r\nHost: sim\r\nContent-Length: 17000000\r\n\r\n{");
  EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 413"));
}

TEST_F(SimServerTest, RefusesASecondServerOnTheSamePort) {
  SimServices services;
  Router router({}, services);
  EXPECT_THROW(SimServer({.port = server_.port(), .threads = 2, .stop_on_signals = false}, router),
               std::runtime_error);
}

TEST_F(SimServerTest, UnknownPathIs404) {
  Client client(server_.port());
  client.send("GET /nowhere HTTP/1.1\r\nHost: sim\r\n\r\n");
  EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 404"));
}

std::string body_of(const std::string& response) {
  return response.substr(response.find("\r\n\r\n") + 4);
}

// The string value of `"key":"..."` in a flat JSON text (enough for these fixed shapes).
std::string json_string(const std::string& text, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const auto at = text.find(needle);
  if (at == std::string::npos) return {};
  const auto start = at + needle.size();
  return text.substr(start, text.find('"', start) - start);
}

TEST_F(SimServerTest, BflTaskEndToEndWithUrlsBuiltFromTheHostHeader) {
  Client client(server_.port());
  const std::string host = "127.0.0.1:" + std::to_string(server_.port());
  const std::string body = R"({"prompt":"fox","width":512,"height":256})";
  client.send("POST /v1/flux-2-klein-4b HTTP/1.1\r\nHost: " + host +
              "\r\nx-key: k\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  const std::string submitted = body_of(client.read_response());
  const std::string polling_url = json_string(submitted, "polling_url");
  ASSERT_TRUE(polling_url.starts_with("http://" + host + "/v1/get_result?id=")) << submitted;

  std::string poll;
  for (int i = 0; i < 5 && poll.find("\"Ready\"") == std::string::npos; ++i) {
    client.send("GET " + polling_url.substr(7 + host.size()) + " HTTP/1.1\r\nHost: " + host +
                "\r\nx-key: k\r\n\r\n");
    poll = body_of(client.read_response());
  }
  const std::string sample = json_string(poll, "sample");
  ASSERT_TRUE(sample.starts_with("http://" + host + "/files/")) << poll;
  client.send("GET " + sample.substr(7 + host.size()) + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  const std::string file = client.read_response();
  EXPECT_TRUE(file.starts_with("HTTP/1.1 200")) << file.substr(0, 200);
  EXPECT_NE(file.find("Content-Type: image/png\r\n"), std::string::npos) << file.substr(0, 300);
  EXPECT_TRUE(body_of(file).starts_with("\x89PNG\r\n\x1a\n"));
}

TEST_F(SimServerTest, StorageKeepsBinaryUploadsByteForByte) {
  Client client(server_.port());
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  const std::string path = "/storage/v1/object/images/u/generated/generated_j_0.png";
  client.send("POST " + path +
              " HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer svc\r\nContent-Type: image/png\r\n"
              "Content-Length: " +
              std::to_string(bytes.size()) + "\r\n\r\n" + bytes);
  const std::string stored = client.read_response();
  EXPECT_TRUE(stored.starts_with("HTTP/1.1 200")) << stored;
  EXPECT_EQ(json_string(body_of(stored), "Key"), "images/u/generated/generated_j_0.png");
  client.send("GET " + path + " HTTP/1.1\r\nHost: sim\r\napikey: svc\r\n\r\n");
  const std::string fetched = client.read_response();
  EXPECT_NE(fetched.find("Content-Type: image/png\r\n"), std::string::npos);
  EXPECT_EQ(body_of(fetched), bytes);
}

TEST(SimServerThreads, SpreadsConnectionsOverSeveralLoops) {
  SimServices services;
  Router router({}, services);
  SimServer server({.port = 0, .threads = 3, .stop_on_signals = false}, router);
  std::thread runner([&] { server.run(); });
  for (int i = 0; i < 6; ++i) {
    Client client(server.port());
    client.send(gemini_http("fox"));
    EXPECT_TRUE(client.read_response().starts_with("HTTP/1.1 200"));
  }
  server.stop();
  runner.join();
}

// Delays are timers on the connection's loop, not threads: one loop holds thousands of delayed
// answers at once (the benchmarks hold 2,000 upstream calls of 1 s each, the issue asks for
// 10,000 per thread). Bounded by the descriptors this process may open (two per request here:
// client and server end), so the count adapts to a low limit instead of failing on it.
TEST(SimServerDelays, OneThreadHoldsThousandsOfDelayedAnswersAtOnce) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  const std::size_t wanted = std::min<std::size_t>(2000, (limit.rlim_cur - 64) / 2);
  ASSERT_GE(wanted, 100u) << "too few descriptors to test anything";

  SimServices services;
  Router router({}, services);
  SimServer server({.port = 0, .threads = 1, .stop_on_signals = false}, router);
  std::thread runner([&] { server.run(); });
  std::vector<std::unique_ptr<Client>> clients;
  for (std::size_t i = 0; i < wanted; ++i) {
    clients.push_back(std::make_unique<Client>(server.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
    clients.back()->send(gemini_http("fox [sim:delay=600000]"));  // 10 minutes: never reached
  }
  // A condition with a deadline: every request parsed and parked on its timer.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (server.delayed_now() < wanted && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(server.delayed_now(), wanted);
  EXPECT_FALSE(clients.front()->has_data_now());
  server.stop();  // cancels every timer and closes every connection
  runner.join();
  EXPECT_EQ(server.delayed_now(), 0u);
  for (auto& client : clients) EXPECT_TRUE(client->sees_close());
}

}  // namespace
}  // namespace imagegen::sim
