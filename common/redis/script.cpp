#include "common/redis/script.h"

#include <openssl/evp.h>

#include <stdexcept>

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

asio::awaitable<Result<Reply>> Script::run(Connection& conn, std::vector<std::string> keys,
                                           std::vector<std::string> args,
                                           std::chrono::milliseconds timeout) const {
  // Take what the second round trip needs before the first suspension: `conn` and `*this` may
  // be gone by the time the first reply arrives.
  auto impl = conn.impl_;
  auto body = body_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;

  std::vector<std::string> command;
  command.reserve(3 + keys.size() + args.size());
  command.push_back("EVALSHA");
  command.push_back(body->sha1);
  command.push_back(std::to_string(keys.size()));
  std::move(keys.begin(), keys.end(), std::back_inserter(command));
  std::move(args.begin(), args.end(), std::back_inserter(command));

  auto reply = co_await Connection::command_on(impl, command, timeout);
  if (!reply || !reply->is_error() || reply->error_code() != "NOSCRIPT") co_return reply;

  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left <= std::chrono::milliseconds::zero()) {
    co_return make_error(Errc::kTimeout, "redis: script deadline passed after NOSCRIPT");
  }
  command[0] = "EVAL";
  command[1] = body->source;
  co_return co_await Connection::command_on(impl, std::move(command), left);
}

}  // namespace imagegen::redis
