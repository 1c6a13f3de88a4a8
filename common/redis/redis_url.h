#pragma once
// Where a Redis server is and how to log in to it, parsed from IMAGEGEN_REDIS_URL. Accepted forms:
//   redis://[[user]:password@]host[:port][/db]   port defaults to 6379, db to 0;
//                                                 user and password may be %-encoded
//   unix:///path/to.sock[?db=N][&password=P]
// rediss:// (TLS) is refused because hiredis 0.14 has no TLS.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace imagegen::redis {

struct RedisUrl {
  std::string host;  // TCP host name or address (IPv6 without brackets); empty for Unix
  std::uint16_t port = 6379;
  std::string socket_path;  // non-empty for a Unix socket
  std::string username;     // Redis 6 ACL user; empty = the default user
  std::string password;     // empty = no AUTH
  int db = 0;

  bool is_unix() const { return !socket_path.empty(); }
};

// Pure. Fails with kInvalidArgument and a one-line reason that names the bad part.
Result<RedisUrl> parse_redis_url(std::string_view url);

// "127.0.0.1:6379/0" or "unix:/run/redis.sock/0", for logs and error messages. Never shows the
// password.
std::string describe(const RedisUrl& url);

}  // namespace imagegen::redis
