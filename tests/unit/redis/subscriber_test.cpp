// Subscriber against a real redis-server: messages, several channels, renewal after restarts.
#include "common/redis/subscriber.h"

#include <utility>

#include "tests/unit/redis/live_redis.h"

namespace imagegen::redis {
namespace {

class SubscriberTest : public LiveRedisTest {
 protected:
  std::unique_ptr<Subscriber> make_subscriber() {
    return Subscriber::create(io_, server_.config(),
                              [this](std::string_view channel, std::string_view message) {
                                received_.emplace_back(channel, message);
                              });
  }
  std::int64_t publish(const std::string& channel, const std::string& message) {
    return server_.command({"PUBLISH", channel, message}).as_int().value_or(-1);
  }

  std::vector<std::pair<std::string, std::string>> received_;
};

TEST_F(SubscriberTest, ReceivesPublishedMessages) {
  auto sub = make_subscriber();
  sub->subscribe("imagegen:done:api-1");
  auto ready = run(sub->wait_subscribed(5s));
  ASSERT_TRUE(ready) << ready.error().message;
  EXPECT_TRUE(sub->is_subscribed());

  std::string payload("{\"jobId\":\"j1\"}\0bin", 18);
  EXPECT_EQ(publish("imagegen:done:api-1", payload), 1);
  EXPECT_EQ(publish("imagegen:done:other", "not for us"), 0);
  EXPECT_EQ(publish("imagegen:done:api-1", "second"), 1);
  ASSERT_TRUE(run_until([&] { return received_.size() == 2; }, 2s));
  EXPECT_EQ(received_[0].first, "imagegen:done:api-1");
  EXPECT_EQ(received_[0].second, payload);
  EXPECT_EQ(received_[1].second, "second");
}

TEST_F(SubscriberTest, ListensOnSeveralChannelsAddedAtAnyTime) {
  auto sub = make_subscriber();
  sub->subscribe("a");
  sub->subscribe("a");  // idempotent
  ASSERT_TRUE(run(sub->wait_subscribed(5s)));
  sub->subscribe("b");
  EXPECT_FALSE(sub->is_subscribed());  // "b" is not confirmed yet
  ASSERT_TRUE(run(sub->wait_subscribed(5s)));
  EXPECT_EQ(
      server_.command({"PUBSUB", "NUMSUB", "a", "b"}),
      Reply::array({Reply::string("a"), Reply::integer(1), Reply::string("b"), Reply::integer(1)}));
  publish("b", "to b");
  publish("a", "to a");
  ASSERT_TRUE(run_until([&] { return received_.size() == 2; }, 2s));
  EXPECT_EQ(received_[0], std::make_pair(std::string("b"), std::string("to b")));
  EXPECT_EQ(received_[1], std::make_pair(std::string("a"), std::string("to a")));
}

TEST_F(SubscriberTest, ResubscribesAfterARestartAndSaysSo) {
  auto sub = make_subscriber();
  int resubscribed = 0;
  sub->set_on_resubscribed([&] { ++resubscribed; });
  sub->subscribe("events");
  ASSERT_TRUE(run(sub->wait_subscribed(5s)));
  EXPECT_EQ(resubscribed, 0);  // the first subscription is not a renewal

  server_.stop();
  ASSERT_TRUE(run_until([&] { return !sub->is_subscribed(); }, 2s));
  server_.restart();
  ASSERT_TRUE(run_until([&] { return resubscribed == 1 && sub->is_subscribed(); }, 5s));

  EXPECT_EQ(publish("events", "after restart"), 1);
  ASSERT_TRUE(run_until([&] { return received_.size() == 1; }, 2s));
  EXPECT_EQ(received_[0].second, "after restart");
  EXPECT_EQ(sub->stats().disconnects, 1u);
}

TEST_F(SubscriberTest, DestroyingWithMessagesInFlightIsClean) {
  auto sub = make_subscriber();
  sub->subscribe("c");
  ASSERT_TRUE(run(sub->wait_subscribed(5s)));
  for (int i = 0; i < 50; ++i) publish("c", "m" + std::to_string(i));
  // Let some of them arrive and be queued for the handler, then destroy.
  ASSERT_TRUE(run_until([&] { return !received_.empty(); }, 2s));
  sub.reset();
  std::size_t seen = received_.size();
  io_.restart();
  io_.run_for(200ms);
  EXPECT_EQ(received_.size(), seen);  // nothing delivered after destruction
  EXPECT_EQ(server_.command({"PUBSUB", "NUMSUB", "c"}).elements().at(1).as_int(), 0);
}

TEST_F(SubscriberTest, WaitSubscribedTimesOutWhenRedisIsDown) {
  RedisConfig config;
  config.url.host = "127.0.0.1";
  config.url.port = support::free_port();
  auto sub = Subscriber::create(io_, config, [](std::string_view, std::string_view) {});
  sub->subscribe("x");
  auto ready = run(sub->wait_subscribed(200ms));
  ASSERT_FALSE(ready);
  EXPECT_EQ(ready.error().code, Errc::kTimeout);
}

}  // namespace
}  // namespace imagegen::redis
