#pragma once
// A Lua script run with EVALSHA, falling back to EVAL when Redis does not know it (NOSCRIPT:
// a restarted, failed-over or SCRIPT FLUSHed Redis), so callers never load scripts by hand.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/redis/connection.h"
#include "common/redis/reply.h"
#include "common/result.h"

namespace imagegen::redis {

class Script {
 public:
  explicit Script(std::string source);

  const std::string& source() const { return body_->source; }
  const std::string& sha1() const { return body_->sha1; }  // lowercase hex, as Redis prints it

  // Runs the script with `keys` as KEYS and `args` as ARGV: EVALSHA, then EVAL once if Redis
  // answers NOSCRIPT. The script's result is the Reply; an error the script raises (or any
  // other Redis error) is a Reply with is_error(), not an Error. Fails like
  // Connection::command (kUnavailable, kTimeout, kInvalidArgument); `timeout` bounds both
  // round trips together. Cancelled only by the deadline or by destroying `conn` (then
  // kUnavailable). Safe if `conn` or this Script is destroyed while it runs. `keys` is read
  // before the first suspension.
  boost::asio::awaitable<Result<Reply>> run(Connection& conn, const std::vector<std::string>& keys,
                                            std::vector<std::string> args,
                                            std::chrono::milliseconds timeout) const;
  // The same with no KEYS: the product's scripts name their keys in their prelude
  // (lua::with_prelude).
  boost::asio::awaitable<Result<Reply>> run(Connection& conn, std::vector<std::string> args,
                                            std::chrono::milliseconds timeout) const;

 private:
  struct Body {
    std::string source;
    std::string sha1;
  };
  std::shared_ptr<const Body> body_;  // shared so a run outlives a moved or destroyed Script
};

// Lowercase hex SHA-1 of `data` (the name Redis gives a script).
std::string sha1_hex(std::string_view data);

}  // namespace imagegen::redis
