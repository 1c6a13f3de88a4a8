#pragma once
// HTTP(S) client for provider and storage calls: libcurl multi on the worker's io_context, so
// hundreds of concurrent upstream calls cost no threads. Connections are kept alive and reused
// across requests to the same host.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "worker/providers/http_message.h"

namespace imagegen::worker {

namespace detail {
class CurlMulti;
class EasyPool;
}  // namespace detail

struct HttpClientOptions {
  // Bodies above this are refused (kProtocol) instead of growing memory without bound.
  std::size_t max_response_bytes = 64 * 1024 * 1024;
  // Connect phase cap; the whole request is also bounded by fetch()'s timeout.
  std::chrono::milliseconds connect_timeout{10'000};
  std::string user_agent = "imagegen-worker/1";
  // Webhook delivery: called with the numeric address curl is about to send to (after
  // resolution and connect, so DNS cannot change it afterwards); true refuses the request
  // before anything is sent, and fetch() fails with kInvalidArgument "address refused: IP".
  std::function<bool(std::string_view ip)> refuse_peer;
  // Keep the first max_response_bytes of an oversized body and answer normally instead of
  // failing with kProtocol (a webhook receiver's status matters, not its body).
  bool truncate_body = false;
  // Idle keep-alive connections the client keeps for reuse. A slow upstream over HTTP/1.1 needs
  // one connection per request in flight; a cache smaller than that closes and reopens them.
  long max_cached_connections = 8192;
  // Connections to one host at once (0 = no limit); more requests wait inside curl.
  long max_host_connections = 0;
  // curl's receive buffer, which every transfer holds from start to end (CURLOPT_BUFFERSIZE;
  // curl's default is 16 KiB). A slow generation keeps its transfer open for seconds, so with
  // thousands in flight this buffer is a large part of the worker's memory; a larger body just
  // takes more reads. In the 2,000-request slow benchmark (docs/bench.md) the worker peaked at
  // 140 MB with 16 KiB, 105 MB with 8 KiB, 97 MB with 4 KiB and 96 MB with 2 KiB, and 4 KiB
  // used no more CPU per request than 8 KiB: the knee.
  long receive_buffer_bytes = 4096;
  // Finished transfers' easy handles kept for the next ones (reset, not re-created). Enough to
  // cover the transfers that finish between two that start; a burst beyond it is cleaned up.
  std::size_t max_idle_handles = 256;
};

class HttpClient {
 public:
  // Use one HttpClient per io_context, constructed and destroyed on that io_context's thread.
  explicit HttpClient(boost::asio::io_context& io, HttpClientOptions options = {});
  // Safe with requests in flight: each one completes with kUnavailable ("client shut down"),
  // delivered through its handler's executor (so only if that io_context keeps running).
  // Callers must not call fetch() on a destroyed client.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` and returns the whole response, whatever its status code (a 500 is a
  // response, not an error). Redirects are not followed.
  // Fails with: kTimeout when `timeout` (mandatory, covers connect + send + receive) passes;
  // kUnavailable when the host cannot be resolved or reached, or the connection breaks;
  // kProtocol when the body exceeds max_response_bytes (or the request's own, smaller
  // max_response_bytes); kInvalidArgument for a bad URL or a
  // scheme other than http/https.
  // Cancelled by: `timeout`, destroying the client, and an emit on `cancel` (when connected):
  // the transfer is dropped and completes with kUnavailable ("request cancelled"). Resumes the
  // coroutine through its executor; curl itself runs on this client's io_context thread.
  boost::asio::awaitable<Result<HttpResponse>> fetch(HttpRequest request,
                                                     std::chrono::milliseconds timeout,
                                                     boost::asio::cancellation_slot cancel = {});

  // Requests started and not yet completed.
  std::size_t in_flight() const;
  // Sockets curl has open, busy or idle in its connection cache.
  std::size_t connections_open() const;
  // Easy handles of finished transfers waiting to be reused.
  std::size_t idle_handles() const;

 private:
  boost::asio::io_context& io_;
  HttpClientOptions options_;
  std::shared_ptr<detail::EasyPool> easy_pool_;  // before multi_: transfers give handles back
  std::shared_ptr<detail::CurlMulti> multi_;
};

}  // namespace imagegen::worker
