// Script against a real redis-server: EVALSHA first, EVAL once after NOSCRIPT.
#include "common/redis/script.h"

#include "tests/unit/redis/live_redis.h"

namespace imagegen::redis {
namespace {

class ScriptTest : public LiveRedisTest {
 protected:
  // How many times the server ran `command`, from INFO commandstats.
  std::int64_t calls(const std::string& command) {
    std::string info = server_.command({"INFO", "commandstats"}).as_string();
    std::string field = "cmdstat_" + command + ":calls=";
    auto at = info.find(field);
    if (at == std::string::npos) return 0;
    return std::stoll(info.substr(at + field.size()));
  }
};

const char* const kEcho = "return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1] .. ':n')}";

TEST(ScriptSha, MatchesKnownDigests) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_F(ScriptTest, ShaIsTheOneRedisComputes) {
  Script script(kEcho);
  EXPECT_EQ(server_.command({"SCRIPT", "LOAD", kEcho}).as_string(), script.sha1());
}

TEST_F(ScriptTest, UsesEvalshaAndFallsBackToEvalOnNoscript) {
  auto conn = connect();
  Script script(kEcho);

  // A fresh server does not know the script: EVALSHA, NOSCRIPT, EVAL.
  auto first = run(script.run(*conn, {"key"}, {"arg"}, 1s));
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, Reply::array({Reply::string("key"), Reply::string("arg"), Reply::integer(1)}));
  EXPECT_EQ(calls("evalsha"), 1);
  EXPECT_EQ(calls("eval"), 1);

  // Now it is cached: EVALSHA only.
  auto second = run(script.run(*conn, {"key"}, {std::string("a\0b", 3)}, 1s));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->elements().at(1).as_string(), std::string("a\0b", 3));
  EXPECT_EQ(second->elements().at(2).as_int(), 2);
  EXPECT_EQ(calls("evalsha"), 2);
  EXPECT_EQ(calls("eval"), 1);

  // As after a Redis restart: the cache is empty again and run() still works.
  ASSERT_EQ(server_.command({"SCRIPT", "FLUSH"}).as_string(), "OK");
  auto third = run(script.run(*conn, {"key"}, {"z"}, 1s));
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_EQ(third->elements().at(2).as_int(), 3);
  EXPECT_EQ(calls("evalsha"), 3);
  EXPECT_EQ(calls("eval"), 2);
}

TEST_F(ScriptTest, ScriptErrorsAreErrorReplies) {
  auto conn = connect();
  Script script("return redis.error_reply('INSUFFICIENT need 4 have 1')");
  auto r = run(script.run(*conn, {}, {}, 1s));
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->is_error());
  EXPECT_EQ(r->error_code(), "INSUFFICIENT");

  Script broken("this is not lua");
  auto b = run(broken.run(*conn, {}, {}, 1s));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->is_error());
}

TEST_F(ScriptTest, FailsWithUnavailableWhenRedisIsDown) {
  auto conn = connect();
  server_.stop();
  Script script(kEcho);
  auto r = run(script.run(*conn, {"k"}, {"v"}, 2s));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace imagegen::redis
