#include "common/redis/script.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "common/redis/resp.h"

namespace imagegen::redis {
namespace asio = boost::asio;

std::string sha1_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL SHA-1 failed");  // a broken libcrypto: a start-up bug
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

Script::Script(std::string source) {
  auto body = std::make_shared<Body>();
  body->sha1 = sha1_hex(source);
  body->source = std::move(source);
  body_ = std::move(body);
}

asio::awaitable<Result<Reply>> Script::run(Connection& conn, const std::vector<std::string>& keys,
                                           std::vector<std::string> args,
                                           std::chrono::milliseconds timeout) const {
  // Take what the second round trip needs before the first suspension: `conn`, `keys` and
  // `*this` may be gone by the time the first reply arrives.
  auto impl = conn.impl_;
  auto body = body_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;

  // "EVALSHA sha numkeys keys... args..." written straight in wire format: no vector of the
  // command's strings is built or copied. A NOSCRIPT retry swaps the first two arguments for
  // "EVAL source" and reuses the rest.
  const std::size_t argc = 3 + keys.size() + args.size();
  std::size_t size = 3 * kMaxArgumentOverhead + body->sha1.size();
  for (const auto& k : keys) size += k.size() + kMaxArgumentOverhead;
  for (const auto& a : args) size += a.size() + kMaxArgumentOverhead;
  std::string wire;
  wire.reserve(size);
  append_array_header(wire, argc);
  append_argument(wire, "EVALSHA");
  append_argument(wire, body->sha1);
  const std::size_t head = wire.size();
  append_argument(wire, std::to_string(keys.size()));
  for (const auto& k : keys) append_argument(wire, k);
  for (const auto& a : args) append_argument(wire, a);
  args = {};  // sent from `wire` from here on

  auto reply = co_await Connection::command_on(impl, {}, timeout, wire);
  if (!reply || !reply->is_error() || reply->error_code() != "NOSCRIPT") co_return reply;

  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds::zero()) {
    co_return make_error(Errc::kTimeout, "redis: script deadline passed after NOSCRIPT");
  }
  std::string eval;
  eval.reserve(wire.size() + body->source.size() + kMaxArgumentOverhead);
  append_array_header(eval, argc);
  append_argument(eval, "EVAL");
  append_argument(eval, body->source);
  eval.append(wire, head);
  co_return co_await Connection::command_on(impl, {}, left, eval);
}

// Not a coroutine: it hands back run()'s own awaitable, so a call costs no second frame.
asio::awaitable<Result<Reply>> Script::run(Connection& conn, std::vector<std::string> args,
                                           std::chrono::milliseconds timeout) const {
  static const std::vector<std::string> kNoKeys;
  return run(conn, kNoKeys, std::move(args), timeout);
}

}  // namespace imagegen::redis
