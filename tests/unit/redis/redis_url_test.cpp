#include "common/redis/redis_url.h"

#include <gtest/gtest.h>

namespace imagegen::redis {
namespace {

struct GoodCase {
  std::string url;
  std::string host;
  int port;
  std::string socket_path;
  std::string username;
  std::string password;
  int db;
};

TEST(RedisUrl, ParsesEveryAcceptedForm) {
  const GoodCase cases[] = {
      {"redis://127.0.0.1:6379/0", "127.0.0.1", 6379, "", "", "", 0},
      {"redis://localhost:7000", "localhost", 7000, "", "", "", 0},
      {"redis://redis.internal", "redis.internal", 6379, "", "", "", 0},
      {"redis://10.0.0.5:6380/", "10.0.0.5", 6380, "", "", "", 0},
      {"redis://host:1/15", "host", 1, "", "", "", 15},
      {"redis://:s3cret@host:6379/2", "host", 6379, "", "", "s3cret", 2},
      {"redis://alice:pw@host:6379", "host", 6379, "", "alice", "pw", 0},
      {"redis://:p%40ss%3Aw%2Frd@host", "host", 6379, "", "", "p@ss:w/rd", 0},
      {"redis://:a@b@host:1", "host", 1, "", "", "a@b", 0},
      {"redis://[::1]:6390/3", "::1", 6390, "", "", "", 3},
      {"redis://[::1]", "::1", 6379, "", "", "", 0},
      {"unix:///run/redis.sock", "", 6379, "/run/redis.sock", "", "", 0},
      {"unix:///tmp/r.sock?db=4", "", 6379, "/tmp/r.sock", "", "", 4},
      {"unix:///tmp/r.sock?db=1&password=x%20y", "", 6379, "/tmp/r.sock", "", "x y", 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = parse_redis_url(c.url);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->host, c.host);
    EXPECT_EQ(parsed->port, c.port);
    EXPECT_EQ(parsed->socket_path, c.socket_path);
    EXPECT_EQ(parsed->is_unix(), !c.socket_path.empty());
    EXPECT_EQ(parsed->username, c.username);
    EXPECT_EQ(parsed->password, c.password);
    EXPECT_EQ(parsed->db, c.db);
  }
}

struct BadCase {
  std::string url;
  std::string reason_contains;
};

TEST(RedisUrl, RefusesBadUrlsWithAOneLineReason) {
  const BadCase cases[] = {
      {"", "expected redis://"},
      {"http://host:6379", "expected redis://"},
      {"rediss://host:6379", "TLS"},
      {"redis://", "missing host"},
      {"redis://:6379", "missing host"},
      {"redis://host:", "empty port"},
      {"redis://host:0", "port must be 1-65535"},
      {"redis://host:65536", "port must be 1-65535"},
      {"redis://host:63x9", "port must be 1-65535"},
      {"redis://host:-1", "port must be 1-65535"},
      {"redis://host:6379/abc", "db must be"},
      {"redis://host:6379/-1", "db must be"},
      {"redis://host:6379/1/2", "db must be"},
      {"redis://host:6379/0?timeout=1", "no query"},
      {"redis://password@host", "[user]:password@"},
      {"redis://:bad%zzescape@host", "%-escape"},
      {"redis://[::1:6379", "unterminated"},
      {"redis://[::1]x", "after ']'"},
      {"unix://", "absolute socket path"},
      {"unix://relative.sock", "absolute socket path"},
      {"unix:///tmp/r.sock?db=x", "db must be"},
      {"unix:///tmp/r.sock?timeout=5", "unknown parameter 'timeout'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto parsed = parse_redis_url(c.url);
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().code, Errc::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find(c.reason_contains), std::string::npos)
        << parsed.error().message;
    EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos);
  }
}

TEST(RedisUrl, DescribeNeverShowsThePassword) {
  auto tcp = parse_redis_url("redis://user:hunter2@10.1.2.3:6380/5");
  ASSERT_TRUE(tcp);
  EXPECT_EQ(describe(*tcp), "10.1.2.3:6380/5");
  auto v6 = parse_redis_url("redis://[::1]:6379");
  ASSERT_TRUE(v6);
  EXPECT_EQ(describe(*v6), "[::1]:6379/0");
  auto unix_url = parse_redis_url("unix:///run/r.sock?db=2&password=hunter2");
  ASSERT_TRUE(unix_url);
  EXPECT_EQ(describe(*unix_url), "unix:/run/r.sock/2");
}

}  // namespace
}  // namespace imagegen::redis
