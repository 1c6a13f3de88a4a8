#include "common/redis/hiredis_asio.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/ioctl.h>

#include <boost/asio/post.hpp>

#include "common/redis/reply_tree.h"
#include "common/redis/resp.h"

namespace imagegen::redis::detail {
namespace asio = boost::asio;
namespace {

// hiredis reads at most 16 KiB per redisAsyncHandleRead. Draining what the kernel already holds
// saves an epoll round trip per 16 KiB on big replies (hiredis reads at most 16 KiB per call:
// redisBufferRead in https://github.com/redis/hiredis/blob/master/hiredis.c); the cap keeps one
// busy connection from starving the rest of the loop.
constexpr int kMaxDrainReads = 64;

HiredisAsio* from(void* p) { return static_cast<HiredisAsio*>(p); }

}  // namespace

Result<std::shared_ptr<HiredisAsio>> HiredisAsio::open(asio::io_context& io, const RedisUrl& url,
                                                       Hooks hooks) {
  redisAsyncContext* ac = url.is_unix() ? redisAsyncConnectUnix(url.socket_path.c_str())
                                        : redisAsyncConnect(url.host.c_str(), url.port);
  if (ac == nullptr) return make_error(Errc::kUnavailable, "hiredis: out of memory");
  if (ac->err != 0) {
    std::string error = ac->errstr != nullptr ? ac->errstr : "connect failed";
    redisAsyncFree(ac);
    return make_error(Errc::kUnavailable, error);
  }
  // A pub/sub or idle connection sends nothing for long stretches; TCP keepalive (15 s idle in
  // hiredis 0.14) notices a peer that vanished without a FIN, e.g. after a network partition.
  if (!url.is_unix()) redisEnableKeepAlive(&ac->c);
  // Replies are built as Reply objects by the parser itself, except on a subscribed
  // connection, whose messages hiredis reads to route them (reply_tree.h).
  const bool builds_replies = !hooks.on_push;
  if (builds_replies) ac->c.reader->fn = ReplyTree::functions();
  auto self = std::make_shared<HiredisAsio>(PrivateTag{}, io, ac, std::move(hooks));
  self->builds_replies_ = builds_replies;
  if (!self->attach()) return make_error(Errc::kUnavailable, "cannot watch the Redis socket");
  return self;
}

HiredisAsio::HiredisAsio(PrivateTag, asio::io_context& io, redisAsyncContext* ac, Hooks hooks)
    : socket_(io), ac_(ac), hooks_(std::move(hooks)) {}

HiredisAsio::~HiredisAsio() {
  // Owners close first; this only guards against a context leaking with its socket.
  hooks_ = {};
  close();
}

bool HiredisAsio::attach() {
  boost::system::error_code ec;
  socket_.assign(ac_->c.fd, ec);
  if (ec) {
    redisAsyncFree(ac_);  // no hooks attached yet: nothing calls back into us
    ac_ = nullptr;
    return false;
  }
  ac_->data = this;
  ac_->ev.data = this;
  ac_->ev.addRead = &HiredisAsio::add_read;
  ac_->ev.delRead = &HiredisAsio::del_read;
  ac_->ev.addWrite = &HiredisAsio::add_write;
  ac_->ev.delWrite = &HiredisAsio::del_write;
  ac_->ev.cleanup = &HiredisAsio::cleanup;
  // Also asks for the first write event, which is how hiredis learns the connect finished.
  redisAsyncSetConnectCallback(ac_, &HiredisAsio::connect_callback);
  return true;
}

namespace {

// The command in wire format, in a buffer each thread reuses: valid until this thread's next
// call, so it is made here, right before hiredis copies it into its output buffer, and nowhere
// else (formatted earlier, a link starting in between sent its own PING in its place).
std::string_view formatted(const std::vector<std::string>& args) {
  thread_local std::string buffer;
  buffer.clear();
  append_command(buffer, args);
  return buffer;
}

}  // namespace

bool HiredisAsio::send(const std::vector<std::string>& args, ReplyFn on_reply) {
  if (args.empty()) return false;
  return send_formatted(formatted(args), std::move(on_reply));
}

bool HiredisAsio::send_formatted(std::string_view cmd, ReplyFn on_reply) {
  if (ac_ == nullptr || cmd.empty()) return false;
  // hiredis calls back exactly once per plain command (with NULL on teardown), which frees this.
  auto fn = std::make_unique<ReplyFn>(std::move(on_reply));
  if (redisAsyncFormattedCommand(ac_, &HiredisAsio::reply_callback, fn.get(), cmd.data(),
                                 cmd.size()) != REDIS_OK) {
    return false;
  }
  fn.release();  // NOLINT(bugprone-unused-return-value): owned by hiredis until reply_callback
  return true;
}

bool HiredisAsio::send_subscribe(const std::vector<std::string>& args) {
  if (ac_ == nullptr || args.empty()) return false;
  const std::string_view cmd = formatted(args);
  // A subscription callback runs once per confirmation and message, so its privdata must live
  // as long as the context: it is this object.
  return redisAsyncFormattedCommand(ac_, &HiredisAsio::push_callback, this, cmd.data(),
                                    cmd.size()) == REDIS_OK;
}

void HiredisAsio::close() {
  if (ac_ != nullptr) redisAsyncFree(ac_);  // ends in on_cleanup, which clears ac_
}

void HiredisAsio::arm_read() {
  if (reading_ || !want_read_ || ac_ == nullptr) return;
  auto self = weak_from_this().lock();
  if (!self) return;  // being destroyed
  reading_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [self](const boost::system::error_code& ec) {
                       self->reading_ = false;
                       if (ec || self->ac_ == nullptr || !self->want_read_) return;
                       redisAsyncHandleRead(self->ac_);
                       self->drain();
                       self->arm_read();
                     });
}

void HiredisAsio::drain() {
  for (int i = 0; i < kMaxDrainReads && ac_ != nullptr; ++i) {
    int pending = 0;
    if (::ioctl(ac_->c.fd, FIONREAD, &pending) != 0 || pending <= 0) return;
    redisAsyncHandleRead(ac_);
  }
}

void HiredisAsio::arm_write() {
  if (writing_ || !want_write_ || ac_ == nullptr) return;
  auto self = weak_from_this().lock();
  if (!self) return;
  writing_ = true;
  socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                     [self](const boost::system::error_code& ec) {
                       self->writing_ = false;
                       if (ec || self->ac_ == nullptr || !self->want_write_) return;
                       redisAsyncHandleWrite(self->ac_);
                       self->arm_write();
                     });
}

void HiredisAsio::on_cleanup() {
  // Idempotent on purpose: hiredis versions differ in how often teardown calls cleanup.
  if (ac_ == nullptr) return;
  std::string error = ac_->c.err != 0 ? ac_->c.errstr : "";
  ac_ = nullptr;
  want_read_ = want_write_ = false;
  // hiredis closes the fd itself right after; release() only deregisters it from epoll and
  // aborts our pending waits (their handlers see ac_ == nullptr and stop).
  socket_.release();
  // hiredis still touches this object (ev.data, ac->data) after cleanup returns, and on_gone
  // may drop the owner's reference: stay alive until the loop turns once more.
  if (auto keep = weak_from_this().lock()) asio::post(socket_.get_executor(), [keep] {});
  if (hooks_.on_gone) hooks_.on_gone(error);
}

void HiredisAsio::add_read(void* self) {
  from(self)->want_read_ = true;
  from(self)->arm_read();
}

void HiredisAsio::del_read(void* self) { from(self)->want_read_ = false; }

void HiredisAsio::add_write(void* self) {
  from(self)->want_write_ = true;
  from(self)->arm_write();
}

void HiredisAsio::del_write(void* self) { from(self)->want_write_ = false; }

void HiredisAsio::cleanup(void* self) { from(self)->on_cleanup(); }

void HiredisAsio::connect_callback(const redisAsyncContext* ac, int status) {
  auto* self = from(ac->data);
  if (!self->hooks_.on_connect) return;
  std::string error;
  if (status != REDIS_OK) error = ac->errstr != nullptr ? ac->errstr : "connect failed";
  self->hooks_.on_connect(error);
}

void HiredisAsio::reply_callback(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<ReplyFn> fn(static_cast<ReplyFn*>(privdata));
  if (reply == nullptr || from(ac->data)->discard_replies_) {
    (*fn)(std::nullopt);
    return;
  }
  (*fn)(from(ac->data)->builds_replies_
            ? ReplyTree::take(reply)
            : Reply::from_hiredis(*static_cast<const redisReply*>(reply)));
}

void HiredisAsio::push_callback(redisAsyncContext* /*ac*/, void* reply, void* privdata) {
  auto* self = from(privdata);
  if (!self->hooks_.on_push) return;
  if (reply == nullptr) {
    self->hooks_.on_push(std::nullopt);
    return;
  }
  self->hooks_.on_push(Reply::from_hiredis(*static_cast<const redisReply*>(reply)));
}

}  // namespace imagegen::redis::detail
