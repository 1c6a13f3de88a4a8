// Models no worker can serve are refused before credits move: a worker without a provider's key
// does not advertise that family, and `imagegen-admin model disable` is a kill switch.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <csignal>
#include <memory>

#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

// One stack: its worker has every key but Black Forest Labs'.
class Availability : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    StackOptions o;
    o.worker_env["BFL_API_KEY"] = "";
    stack_ = new Stack(o);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  Stack& stack() { return *stack_; }

  std::int64_t stream_length() {
    return stack().redis().command({"XLEN", "imagegen:jobs"}).as_int().value_or(-1);
  }

  // A 503 MODEL_UNAVAILABLE for `model` that held nothing and queued nothing.
  void expect_unavailable(const DemoUser& user, const std::string& model) {
    const std::int64_t balance = stack().user_number(user.user_id, "balance");
    const std::int64_t queued = stream_length();
    auto r = stack().post_generate(user.api_key,
                                   R"({"prompt":"anyone there?","model":")" + model + "\"}");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(json_string(r.body, "/error"), "Model temporarily unavailable") << r.body;
    EXPECT_EQ(json_string(r.body, "/code"), "MODEL_UNAVAILABLE") << r.body;
    EXPECT_EQ(json_string(r.body, "/model"), model) << r.body;
    EXPECT_FALSE(r.headers["retry-after"].empty());
    EXPECT_EQ(stack().user_number(user.user_id, "balance"), balance);
    EXPECT_EQ(stack().user_number(user.user_id, "held"), 0);
    EXPECT_EQ(stream_length(), queued) << "nothing reaches the queue";
  }

  static Stack* stack_;
};
Stack* Availability::stack_ = nullptr;

TEST_F(Availability, WorkerSaysAtStartWhatItServesAndLacks) {
  const std::string log = stack().worker(0).read_log();
  EXPECT_NE(log.find("provider_families"), std::string::npos) << log;
  EXPECT_NE(log.find(R"("missing":"bfl")"), std::string::npos) << log;
  EXPECT_NE(log.find("openai"), std::string::npos) << log;
}

TEST_F(Availability, FamilyWithoutAKeyIsRefusedBeforeCredits) {
  auto pro = stack().create_user("pro", 100);
  expect_unavailable(pro, "flux-2-pro");
  auto free_user = stack().create_user("free", 100);
  expect_unavailable(free_user, "flux-2-klein-4b");
  // Other families are served as usual.
  EXPECT_EQ(stack().post_generate(pro.api_key, R"({"prompt":"ok","model":"gpt-image-1"})").status,
            200);
}

TEST_F(Availability, TierIsCheckedFirst) {
  auto free_user = stack().create_user("free", 100);
  auto r = stack().post_generate(free_user.api_key, R"({"prompt":"x","model":"flux-2-pro"})");
  EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(Availability, CreditsAreCheckedAfter) {
  auto broke = stack().create_user("pro", 0);
  expect_unavailable(broke, "flux-2-pro");
  auto r = stack().post_generate(broke.api_key, R"({"prompt":"x","model":"gpt-image-1"})");
  EXPECT_EQ(r.status, 402) << r.body;
}

TEST_F(Availability, AdminDisableAndEnableAModel) {
  auto pro = stack().create_user("pro", 100);
  stack().admin("model disable nano-banana");
  expect_unavailable(pro, "nano-banana");
  EXPECT_NE(stack().admin("model list").find("nano-banana"), std::string::npos);
  stack().admin("model enable nano-banana");
  auto r = stack().post_generate(pro.api_key, R"({"prompt":"back","model":"nano-banana"})");
  EXPECT_EQ(r.status, 200) << r.body;
}

// How many times Redis ran `command` (INFO commandstats), scripts' inner calls included.
std::int64_t command_calls(Stack& stack, const std::string& command) {
  const std::string info = stack.redis().command({"INFO", "commandstats"}).as_string();
  const std::string key = "cmdstat_" + command + ":calls=";
  const auto at = info.find(key);
  return at == std::string::npos ? 0 : std::stoll(info.substr(at + key.size()));
}

// The api remembers for a second or two that a family is served, so ADMIT does not count the
// advertisements; a worker that stops says so, and the very next request is refused.
TEST(AvailabilityCache, AdmissionSkipsTheCountUntilTheLastWorkerStops) {
  Stack stack;
  auto pro = stack.create_user("pro", 1000);
  const std::string body = R"({"prompt":"cached","model":"gpt-image-1"})";
  // Within a few polls the api vouches for openai: an admission then runs no ZCOUNT.
  bool skipped = false;
  ASSERT_TRUE(wait_for(
      [&] {
        const std::int64_t before = command_calls(stack, "zcount");
        EXPECT_EQ(stack.post_generate(pro.api_key, body).status, 200);
        skipped = command_calls(stack, "zcount") == before;
        return skipped;
      },
      20s));

  // Listen for the worker's announcement, so that the request below is sent right after it:
  // the api's once-a-second reading alone would still vouch for openai then.
  timeval timeout{30, 0};
  std::unique_ptr<redisContext, decltype(&redisFree)> listener(
      redisConnectWithTimeout("127.0.0.1", stack.redis().port(), timeout), &redisFree);
  ASSERT_TRUE(listener && listener->err == 0);
  redisSetTimeout(listener.get(), timeout);
  freeReplyObject(redisCommand(listener.get(), "SUBSCRIBE imagegen:serves-changed"));
  stack.worker(0).kill(SIGTERM);
  void* announced = nullptr;
  ASSERT_EQ(redisGetReply(listener.get(), &announced), REDIS_OK) << "no withdrawal announced";
  freeReplyObject(announced);
  const std::int64_t balance = stack.user_number(pro.user_id, "balance");
  // Asynchronous, so that a wrongly admitted job answers 202 at once instead of waiting.
  auto r = stack.post_generate(pro.api_key, body, {"Prefer: respond-async"});
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(json_string(r.body, "/code"), "MODEL_UNAVAILABLE") << r.body;
  EXPECT_EQ(stack.user_number(pro.user_id, "balance"), balance);
  EXPECT_TRUE(stack.worker(0).wait_for_exit(30s).has_value());
}

}  // namespace
}  // namespace imagegen::testing
