#include "worker/http_client.h"

#include <algorithm>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "worker/curl_easy_pool.h"
#include "worker/curl_multi.h"

namespace imagegen::worker {

namespace asio = boost::asio;

namespace {

using Handler = asio::any_completion_handler<void(Result<HttpResponse>)>;

// simdjson reads this many bytes past a string's end; reserving them avoids a copy when the
// body is parsed as JSON.
constexpr std::size_t kJsonPadding = 64;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

Error map_curl_error(CURLcode code, bool too_large, std::size_t cap, const char* detail) {
  std::string msg = curl_easy_strerror(code);
  if (detail != nullptr && detail[0] != '\0') msg += std::string(": ") + detail;
  if (too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return make_error(Errc::kProtocol, "response body exceeds " + std::to_string(cap) + " bytes");
  }
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return make_error(Errc::kTimeout, msg);
    case CURLE_ABORTED_BY_CALLBACK:  // only CurlMulti::cancel aborts a live transfer
      return make_error(Errc::kUnavailable, "request cancelled");
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return make_error(Errc::kInvalidArgument, msg);
    default:
      return make_error(Errc::kUnavailable, msg);  // connect, resolve, reset, TLS, ...
  }
}

// curl looks the proxy variables up in the environment for every transfer (five getenv calls
// and copies each). Where none is set when the process starts, that answer cannot change, so
// transfers say "no proxy" up front and curl skips the lookups; where one is set, curl keeps
// reading them as before.
bool environment_names_a_proxy() {
  static const bool named = [] {
    for (const char* name :
         {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) {
      const char* value = std::getenv(name);
      if (value != nullptr && value[0] != '\0') return true;
    }
    return false;
  }();
  return named;
}

class HttpTransfer final : public detail::CurlTransfer {
 public:
  HttpTransfer(std::shared_ptr<detail::EasyPool> pool, HttpRequest request, Handler handler,
               asio::any_io_executor fallback, std::size_t cap)
      : CurlTransfer(std::move(pool)),
        request_(std::move(request)),
        handler_(std::move(handler)),
        fallback_(std::move(fallback)),
        cap_(cap) {}

  ~HttpTransfer() override { curl_slist_free_all(header_list_); }

  void configure(std::chrono::milliseconds timeout, const HttpClientOptions& options) {
    CURL* e = easy();
    error_buffer_[0] = '\0';
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, error_buffer_);
    curl_easy_setopt(e, CURLOPT_URL, request_.url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");  // poll URLs come from upstreams
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);                 // no SIGALRM-based resolver timeouts
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(std::max<std::int64_t>(1, timeout.count())));
    const auto connect_ms = std::min(timeout, options.connect_timeout).count();
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max<std::int64_t>(1, connect_ms)));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    if (!environment_names_a_proxy()) curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, options.receive_buffer_bytes);
    // Over TLS curl negotiates HTTP/2; wait for a connection that can multiplex this request
    // instead of opening one more (plain http stays HTTP/1.1 with keep-alive reuse).
    if (request_.url.starts_with("https://")) curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
    // A truncating transfer reads up to the cap instead of refusing a long Content-Length.
    if (!options.truncate_body)
      curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(cap_));
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpTransfer::on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpTransfer::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
    if (options.refuse_peer) {
      refuse_peer_ = options.refuse_peer;
      curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &HttpTransfer::on_prereq);
      curl_easy_setopt(e, CURLOPT_PREREQDATA, this);
    }
    truncate_ = options.truncate_body;
    set_method_and_body(e);
    for (const auto& [k, v] : request_.headers) {
      header_list_ = curl_slist_append(header_list_, (k + ": " + v).c_str());
    }
    // curl sends `Expect: 100-continue` for large bodies and then waits up to 1 s for servers
    // that never answer it; an empty `Expect:` turns that off.
    header_list_ = curl_slist_append(header_list_, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, header_list_);
  }

  // The caller's cancellation slot: cleared before completing, as Asio's own operations do, so
  // a late emit never reaches a finished transfer.
  void set_cancel_slot(asio::cancellation_slot slot) { slot_ = slot; }

  void finish(CURLcode code, bool aborted) override {
    if (aborted) {
      complete(make_error(Errc::kUnavailable, "http client shut down"));
    } else if (refused_) {
      complete(make_error(Errc::kInvalidArgument, "address refused: " + refused_ip_));
    } else if (code != CURLE_OK && !(truncate_ && too_large_)) {
      complete(map_curl_error(code, too_large_, cap_, error_buffer_));
    } else {
      long status = 0;
      curl_easy_getinfo(easy(), CURLINFO_RESPONSE_CODE, &status);
      response_.status = static_cast<int>(status);
      complete(std::move(response_));
    }
  }

 private:
  void set_method_and_body(CURL* e) {
    const std::string& m = request_.method;
    if (m == "GET" && request_.body.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
      return;
    }
    if (m == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
      return;
    }
    if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    // POSTFIELDS points into request_, which lives as long as the transfer.
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request_.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, request_.body.data());
  }

  void complete(Result<HttpResponse> result) {
    if (slot_.is_connected()) slot_.clear();
    // Runs on the client's io_context first, then dispatches to the handler's own executor;
    // never inline, so curl is never re-entered from a resumed coroutine.
    asio::post(fallback_, asio::append(std::move(handler_), std::move(result)));
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<HttpTransfer*>(self_ptr);
    const std::size_t len = size * n;
    std::string& body = self->response_.body;
    if (body.size() + len > self->cap_) {
      self->too_large_ = true;
      if (self->truncate_) body.append(data, self->cap_ - body.size());
      return 0;  // any count other than len aborts the transfer with CURLE_WRITE_ERROR
    }
    if (body.empty()) self->reserve_from_content_length();
    body.append(data, len);
    return len;
  }

  void reserve_from_content_length() {
    const std::string* cl = response_.header("content-length");
    std::size_t n = 0;
    if (cl == nullptr) return;
    auto [p, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), n);
    if (ec == std::errc() && n <= cap_) response_.body.reserve(n + kJsonPadding);
  }

  static int on_prereq(void* self_ptr, char* primary_ip, char*, int, int) {
    auto* self = static_cast<HttpTransfer*>(self_ptr);
    if (primary_ip != nullptr && self->refuse_peer_(primary_ip)) {
      self->refused_ = true;
      self->refused_ip_ = primary_ip;
      return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
  }

  static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<HttpTransfer*>(self_ptr);
    const std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {
      self->response_.headers.clear();  // a new response (after 100 Continue or a 1xx)
      return line.size();
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return line.size();  // blank line ending the headers
    std::string name(trim(line.substr(0, colon)));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    self->response_.headers.emplace_back(std::move(name),
                                         std::string(trim(line.substr(colon + 1))));
    return line.size();
  }

  HttpRequest request_;
  HttpResponse response_;
  Handler handler_;
  asio::cancellation_slot slot_;
  asio::any_io_executor fallback_;
  std::size_t cap_;
  curl_slist* header_list_ = nullptr;
  bool too_large_ = false;
  bool truncate_ = false;
  std::function<bool(std::string_view)> refuse_peer_;
  bool refused_ = false;
  std::string refused_ip_;
  char error_buffer_[CURL_ERROR_SIZE]{};
};

void global_init_once() {
  // curl_global_init is not thread-safe; a function-local static runs it exactly once.
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

HttpClient::HttpClient(asio::io_context& io, HttpClientOptions options)
    : io_(io), options_(std::move(options)) {
  global_init_once();
  easy_pool_ = std::make_shared<detail::EasyPool>(options_.max_idle_handles);
  multi_ = std::make_shared<detail::CurlMulti>(io_, options_.max_cached_connections,
                                               options_.max_host_connections);
}

HttpClient::~HttpClient() {
  multi_->shutdown();
  multi_.reset();
}

std::size_t HttpClient::in_flight() const { return multi_->active(); }

std::size_t HttpClient::connections_open() const { return multi_->open_sockets(); }

std::size_t HttpClient::idle_handles() const { return easy_pool_->idle(); }

asio::awaitable<Result<HttpResponse>> HttpClient::fetch(HttpRequest request,
                                                        std::chrono::milliseconds timeout,
                                                        asio::cancellation_slot cancel) {
  auto initiate = [this, &request, timeout, cancel](auto handler) mutable {
    const std::size_t cap = request.max_response_bytes == 0
                                ? options_.max_response_bytes
                                : std::min(request.max_response_bytes, options_.max_response_bytes);
    auto transfer = std::make_unique<HttpTransfer>(
        easy_pool_, std::move(request), Handler(std::move(handler)), io_.get_executor(), cap);
    transfer->configure(timeout, options_);
    if (cancel.is_connected()) {
      transfer->set_cancel_slot(cancel);
      cancel.assign([io = &io_, weak = std::weak_ptr(multi_),
                     easy = transfer->easy()](asio::cancellation_type) {
        asio::dispatch(*io, [weak, easy] {
          if (auto multi = weak.lock()) multi->cancel(easy);
        });
      });
    }
    // curl calls stay on the io_context's thread even if the caller runs elsewhere.
    asio::dispatch(
        io_, [multi = multi_, t = std::move(transfer)]() mutable { multi->add(std::move(t)); });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                          void(Result<HttpResponse>)>(initiate,
                                                                      asio::use_awaitable);
}

}  // namespace imagegen::worker
