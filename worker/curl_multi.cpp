#include "worker/curl_multi.h"

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <stdexcept>

namespace imagegen::worker::detail {

namespace asio = boost::asio;

CurlTransfer::CurlTransfer(std::shared_ptr<EasyPool> pool)
    : pool_(std::move(pool)), easy_(pool_->acquire()) {}

CurlTransfer::~CurlTransfer() { pool_->release(easy_); }

CurlMulti::CurlMulti(asio::io_context& io, long max_connects, long max_host_connections)
    : io_(io), multi_(curl_multi_init()), timer_(io) {
  if (multi_ == nullptr) throw std::runtime_error("curl_multi_init failed");
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
  if (max_connects > 0) curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, max_connects);
  if (max_host_connections > 0)
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, max_host_connections);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti() { shutdown(); }

void CurlMulti::add(std::unique_ptr<CurlTransfer> transfer) {
  CURL* easy = transfer->easy();
  // A connection keeps the callbacks of the handle that opened it, so every connection in this
  // multi's cache is opened and closed through this object.
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &CurlMulti::on_open);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &CurlMulti::on_close);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  if (shut_down_ || curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    // Keep the "never inline" promise so callers need no re-entrancy care.
    asio::post(io_, [t = std::shared_ptr<CurlTransfer>(std::move(transfer)), down = shut_down_] {
      t->finish(CURLE_FAILED_INIT, down);
    });
    return;
  }
  transfers_.emplace(easy, std::move(transfer));
  // curl_multi_add_handle armed a 0 ms timer through on_timer; that timer starts the transfer.
}

void CurlMulti::cancel(CURL* easy) {
  if (shut_down_) return;
  auto node = transfers_.extract(easy);
  if (node.empty()) return;
  curl_multi_remove_handle(multi_, easy);
  node.mapped()->finish(CURLE_ABORTED_BY_CALLBACK, false);
}

void CurlMulti::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  timer_.cancel();
  auto transfers = std::move(transfers_);
  transfers_.clear();
  for (auto& [easy, t] : transfers) {
    curl_multi_remove_handle(multi_, easy);
    t->finish(CURLE_ABORTED_BY_CALLBACK, true);
  }
  transfers.clear();
  // Closes cached connections; curl may still report CURL_POLL_REMOVE through on_socket.
  curl_multi_cleanup(multi_);
  multi_ = nullptr;
  // curl_multi_cleanup closed its connections through on_close; whatever is left is not ours.
  for (auto& [fd, w] : sockets_) {
    w->removed = true;
    w->sd.release();
  }
  sockets_.clear();
  owned_.clear();
}

int CurlMulti::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  static_cast<CurlMulti*>(self)->update_socket(fd, what);
  return 0;
}

curl_socket_t CurlMulti::on_open(void* self, curlsocktype, curl_sockaddr* address) {
  const curl_socket_t fd =
      ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  static_cast<CurlMulti*>(self)->owned_.insert(fd);
  return fd;
}

int CurlMulti::on_close(void* self, curl_socket_t fd) {
  static_cast<CurlMulti*>(self)->close_socket(fd);
  return 0;
}

int CurlMulti::on_timer(CURLM*, long timeout_ms, void* self) {
  static_cast<CurlMulti*>(self)->set_timer(timeout_ms);
  return 0;
}

// Called from inside curl: only (re)arm waits here, never call back into curl.
void CurlMulti::update_socket(curl_socket_t fd, int what) {
  if (what == CURL_POLL_REMOVE) {
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    it->second->want = 0;
    // Ours: curl may reuse the connection, and on_close tells us when it is really gone. A
    // wait still pending sees want == 0 and lets curl be.
    if (owned_.contains(fd)) return;
    // Not opened through on_open (e.g. a resolver's socket): curl may close it right after.
    // release() deregisters it and cancels our waits.
    it->second->removed = true;
    it->second->sd.release();
    sockets_.erase(it);
    return;
  }
  auto& w = sockets_[fd];
  if (!w) w = std::make_shared<Watch>(io_, fd);
  w->want = what;
  arm(w);
}

// Called from inside curl instead of close(2).
void CurlMulti::close_socket(curl_socket_t fd) {
  owned_.erase(fd);
  auto it = sockets_.find(fd);
  if (it == sockets_.end()) {
    ::close(fd);
    return;
  }
  auto w = std::move(it->second);
  sockets_.erase(it);
  w->removed = true;
  w->want = 0;
  // Closes the fd; the kernel drops it from epoll by itself, so no epoll_ctl. Pending waits
  // complete with operation_aborted and stop at `removed`.
  boost::system::error_code ignored;
  w->sd.close(ignored);
}

void CurlMulti::arm(const std::shared_ptr<Watch>& w) {
  // A wait for a direction curl no longer wants may still be pending (Asio cannot cancel one
  // direction alone); its handler re-checks `want` before acting.
  auto weak = weak_from_this();
  if ((w->want & CURL_POLL_IN) && !w->read_pending) {
    w->read_pending = true;
    w->sd.async_wait(asio::posix::stream_descriptor::wait_read,
                     [weak, w](boost::system::error_code ec) {
                       w->read_pending = false;
                       if (ec || w->removed) return;
                       if (auto self = weak.lock()) self->on_ready(w, CURL_CSELECT_IN);
                     });
  }
  if ((w->want & CURL_POLL_OUT) && !w->write_pending) {
    w->write_pending = true;
    w->sd.async_wait(asio::posix::stream_descriptor::wait_write,
                     [weak, w](boost::system::error_code ec) {
                       w->write_pending = false;
                       if (ec || w->removed) return;
                       if (auto self = weak.lock()) self->on_ready(w, CURL_CSELECT_OUT);
                     });
  }
}

void CurlMulti::on_ready(const std::shared_ptr<Watch>& w, int select_flag) {
  const int wanted_mask = select_flag == CURL_CSELECT_IN ? CURL_POLL_IN : CURL_POLL_OUT;
  if (!shut_down_ && (w->want & wanted_mask)) {
    int running = 0;
    curl_multi_socket_action(multi_, w->fd, select_flag, &running);
    drain_done();
  }
  if (!w->removed && !shut_down_) arm(w);
}

// Called from inside curl: only arm the timer here. -1 means "no timeout wanted".
// curl calls this on almost every socket action; each re-armed steady_timer that becomes the
// earliest reprograms the io_context's timerfd (a syscall). So: "now" (0 ms, after every
// added handle) is a post, not a timer, and an expiry within a millisecond of the armed one
// is left alone.
void CurlMulti::set_timer(long timeout_ms) {
  if (timeout_ms < 0) {
    if (timer_armed_) timer_.cancel();
    timer_armed_ = false;
    return;
  }
  if (timeout_ms == 0) {
    if (timer_armed_) timer_.cancel();
    timer_armed_ = false;
    if (!timeout_posted_) {
      timeout_posted_ = true;
      asio::post(io_, [weak = weak_from_this()] {
        auto self = weak.lock();
        if (!self) return;
        self->timeout_posted_ = false;
        self->on_timeout();
      });
    }
    return;
  }
  const auto when = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  if (timer_armed_ && when >= timer_.expiry() &&
      when - timer_.expiry() < std::chrono::milliseconds(1)) {
    return;
  }
  timer_armed_ = true;
  timer_.expires_at(when);
  timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self) return;
    self->timer_armed_ = false;
    self->on_timeout();
  });
}

void CurlMulti::on_timeout() {
  if (shut_down_) return;
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  drain_done();
}

void CurlMulti::drain_done() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // msg dies with curl_multi_remove_handle: copy what we need first.
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi_, easy);
    auto node = transfers_.extract(easy);
    if (!node.empty()) node.mapped()->finish(code, false);
  }
}

}  // namespace imagegen::worker::detail
