#pragma once
// Internal to HttpClient: one libcurl multi handle driven by Asio. curl tells us which sockets to
// watch (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION); we turn those
// into async_wait on a posix::stream_descriptor and one steady_timer. All calls happen on the
// io_context's thread. Pattern from curl's docs/examples/asiohiper.cpp, without its globals.
#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <set>

#include "worker/curl_easy_pool.h"

namespace imagegen::worker::detail {

// One easy handle (from `pool`, given back when the transfer dies) plus whatever it must report
// when curl is done with it.
class CurlTransfer {
 public:
  explicit CurlTransfer(std::shared_ptr<EasyPool> pool);
  virtual ~CurlTransfer();  // the multi has already removed the handle
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  CURL* easy() const { return easy_; }
  // Called exactly once, after the handle left the multi. `aborted` is true on shutdown.
  virtual void finish(CURLcode code, bool aborted) = 0;

 private:
  std::shared_ptr<EasyPool> pool_;
  CURL* easy_;
};

class CurlMulti : public std::enable_shared_from_this<CurlMulti> {
 public:
  // `max_connects`: connections kept open in the cache for reuse (0 = curl's default);
  // `max_host_connections`: connections to one host at once, beyond that transfers queue
  // inside curl (0 = no limit). HTTP/2 is multiplexed over one connection where offered.
  explicit CurlMulti(boost::asio::io_context& io, long max_connects = 0,
                     long max_host_connections = 0);
  ~CurlMulti();
  CurlMulti(const CurlMulti&) = delete;
  CurlMulti& operator=(const CurlMulti&) = delete;

  // Starts the transfer; finish() is called later from a completion handler, never inline.
  // After shutdown() the transfer is finished at once as aborted.
  void add(std::unique_ptr<CurlTransfer> transfer);

  // Drops the transfer of `easy` if it is still running: finish(CURLE_ABORTED_BY_CALLBACK,
  // false). A transfer that already finished is left alone.
  void cancel(CURL* easy);

  // Aborts every transfer (finish(..., true)), closes cached connections, stops the timer.
  void shutdown();

  std::size_t active() const { return transfers_.size(); }
  std::size_t open_sockets() const { return owned_.size(); }
  boost::asio::io_context& io() { return io_; }

 private:
  struct Watch {
    Watch(boost::asio::io_context& io, curl_socket_t s) : fd(s), sd(io, s) {}
    curl_socket_t fd;
    boost::asio::posix::stream_descriptor sd;  // borrowed fd: released, never closed, by us
    int want = 0;                              // CURL_POLL_* mask curl asked for last
    bool read_pending = false;
    bool write_pending = false;
    // The fd is gone (closed by us for curl, or released on CURL_POLL_REMOVE of a socket we
    // did not open); its number may already belong to another socket.
    bool removed = false;
  };

  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* socketp);
  static curl_socket_t on_open(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int on_close(void* self, curl_socket_t fd);
  static int on_timer(CURLM* multi, long timeout_ms, void* self);

  void update_socket(curl_socket_t fd, int what);
  void close_socket(curl_socket_t fd);
  void arm(const std::shared_ptr<Watch>& w);
  void on_ready(const std::shared_ptr<Watch>& w, int select_flag);
  void set_timer(long timeout_ms);
  void on_timeout();
  void drain_done();

  boost::asio::io_context& io_;
  CURLM* multi_;
  boost::asio::steady_timer timer_;
  std::map<curl_socket_t, std::shared_ptr<Watch>> sockets_;
  // Sockets curl opened through on_open and has not closed through on_close. Their watches
  // outlive CURL_POLL_REMOVE (a connection going idle in curl's cache), so a reused keep-alive
  // connection costs no epoll_ctl and no ioctl per request; only on_close ends them.
  std::set<curl_socket_t> owned_;
  std::map<CURL*, std::unique_ptr<CurlTransfer>> transfers_;
  bool shut_down_ = false;
  bool timer_armed_ = false;     // timer_ has a wait pending that curl still wants
  bool timeout_posted_ = false;  // a "timeout now" is posted and has not run yet
};

}  // namespace imagegen::worker::detail
