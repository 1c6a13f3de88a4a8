#pragma once
// Internal to common/redis. Drives one hiredis async context from an Asio io_context: watches its
// socket with a stream_descriptor and turns hiredis's C callbacks into std::function calls. Every
// hiredis callback of the library lives in hiredis_asio.cpp.
//
// Ownership: hiredis owns the context and its socket and frees both by itself when the connection
// fails (hiredis README, "Asynchronous API": the context is freed after a disconnect,
// https://github.com/redis/hiredis#asynchronous-api); `on_gone` reports that. This object outlives
// the context because hiredis may still call into it while tearing down, so it is always held by
// shared_ptr and keeps itself alive until hiredis has returned. Not thread-safe: use it from the
// thread that runs its io_context.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/redis/redis_url.h"
#include "common/redis/reply.h"
#include "common/result.h"

struct redisAsyncContext;

namespace imagegen::redis::detail {

class HiredisAsio : public std::enable_shared_from_this<HiredisAsio> {
 public:
  // The reply, or nullopt when the context went away before it came.
  using ReplyFn = std::function<void(std::optional<Reply> reply)>;

  // Called from inside hiredis: they may send on this context or close it, but must not run
  // user code inline (post it instead).
  struct Hooks {
    std::function<void(const std::string& error)> on_connect;  // TCP connect done; "" = success
    // The context is gone: closed by us, by the server or by an error. Every pending reply
    // callback has already run with nullopt.
    std::function<void(const std::string& error)> on_gone;
    ReplyFn on_push;  // every reply on a subscribed channel; nullopt at teardown
  };

  // Starts a non-blocking connect. Fails with kUnavailable when hiredis cannot even start
  // (unresolvable host, missing socket file, out of fds). Host names are resolved here,
  // synchronously: use addresses where the loop must never block.
  static Result<std::shared_ptr<HiredisAsio>> open(boost::asio::io_context& io, const RedisUrl& url,
                                                   Hooks hooks);

  struct PrivateTag {};
  HiredisAsio(PrivateTag, boost::asio::io_context& io, redisAsyncContext* ac, Hooks hooks);
  HiredisAsio(const HiredisAsio&) = delete;
  HiredisAsio& operator=(const HiredisAsio&) = delete;
  ~HiredisAsio();

  bool alive() const { return ac_ != nullptr; }

  // Appends a command (binary-safe). `on_reply` runs exactly once: with the reply, or with
  // nullopt if the context goes away first. Returns false, and never runs `on_reply`, when the
  // context is gone or closing.
  bool send(const std::vector<std::string>& args, ReplyFn on_reply);
  // The same for a command already in wire format (resp.h); hiredis copies `wire` before this
  // returns.
  bool send_formatted(std::string_view wire, ReplyFn on_reply);

  // Appends a SUBSCRIBE; its confirmations and messages go to Hooks::on_push.
  bool send_subscribe(const std::vector<std::string>& args);

  // From now on every reply is handed over as nullopt, as if the context were gone: for a
  // context being abandoned (failed AUTH), whose queued commands must not see "-NOAUTH"
  // replies as their own answer.
  void discard_replies() { discard_replies_ = true; }

  // Frees the context now. Pending reply callbacks run with nullopt, then on_gone, all before
  // this returns. No-op once the context is gone.
  void close();

 private:
  bool attach();
  void arm_read();
  void arm_write();
  void drain();
  void on_cleanup();

  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);
  static void connect_callback(const redisAsyncContext* ac, int status);
  static void reply_callback(redisAsyncContext* ac, void* reply, void* privdata);
  static void push_callback(redisAsyncContext* ac, void* reply, void* privdata);

  boost::asio::posix::stream_descriptor socket_;
  redisAsyncContext* ac_;  // nullptr once hiredis has released it
  Hooks hooks_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool reading_ = false;  // an async_wait for reading is pending
  bool writing_ = false;
  bool discard_replies_ = false;
  bool builds_replies_ = false;  // replies arrive as ReplyTree roots, not redisReply
};

}  // namespace imagegen::redis::detail
