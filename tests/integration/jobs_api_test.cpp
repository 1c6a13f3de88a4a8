// Jobs beyond one HTTP wait (issue 11), against the real binaries: Prefer respond-async and
// wait=N, deadlines, and cancel.
#include <gtest/gtest.h>
#include <signal.h>

#include <future>

#include "tests/integration/async_jobs.h"
#include "tests/integration/stack.h"
#include "tests/support/wait_for.h"

namespace imagegen::testing {
namespace {

using namespace std::chrono_literals;

TEST(Async, RespondAsyncIs202WithLocationAndTheJobRunsToTheEnd) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("async fox"), {"Prefer: respond-async"});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  EXPECT_EQ(r.headers["location"], "/api/v1/jobs/" + id);
  EXPECT_EQ(r.headers["preference-applied"], "respond-async");
  EXPECT_FALSE(json_string(r.body, "/status").empty());
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  const std::string j = job(stack, id, user.api_key);
  EXPECT_FALSE(json_string(j, "/createdAt").empty());
  EXPECT_FALSE(json_string(j, "/startedAt").empty());
  EXPECT_FALSE(json_string(j, "/finishedAt").empty());
  EXPECT_EQ(json_int(j, "/creditsCharged"), kCost);
  EXPECT_EQ(json_array_size(j, "/results"), 1u);
}

TEST(Async, ReplayOfAnAsyncAdmissionIsTheSame202AndTheSameJob) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  const std::string body = async_body("replayed fox [sim:delay=2000]");
  auto first =
      stack.post_generate(user.api_key, body, {"Prefer: respond-async", "Idempotency-Key: a1"});
  ASSERT_EQ(first.status, 202) << first.body;
  auto again =
      stack.post_generate(user.api_key, body, {"Prefer: respond-async", "Idempotency-Key: a1"});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(json_string(again.body, "/jobId"), json_string(first.body, "/jobId"));
  EXPECT_EQ(again.headers["location"], first.headers["location"]);
  const std::string id = json_string(first.body, "/jobId");
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100 - kCost);
}

TEST(Async, WaitOneOnAThreeSecondJobIs202ThenTheJobSucceedsChargedOnce) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("patient fox [sim:delay=3000]"),
                               {"Prefer: wait=1"});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.headers["preference-applied"], "wait=1");
  const std::string id = json_string(r.body, "/jobId");
  EXPECT_NE(json_string(job(stack, id, user.api_key), "/status"), "expired");
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "succeeded"; }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100 - kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
}

TEST(Async, AJobPastItsDeadlineIsExpiredAndRefunded) {
  StackOptions o;
  o.api_env["IMAGEGEN_JOB_DEADLINE_MS"] = "1000";
  o.worker_env["IMAGEGEN_DEADLINE_GRACE_MS"] = "200";
  Stack stack(o);
  auto user = stack.create_user("pro", 100);
  const std::string id =
      submit_async(stack, user.api_key, async_body("frozen fox [sim:delay=5000]"));
  ASSERT_FALSE(id.empty());
  // Its worker freezes while running it: the other worker's deadline sweeper expires it.
  ASSERT_TRUE(wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") != "queued"; }, 10s));
  stack.worker(0).kill(SIGSTOP);
  stack.start_worker();
  const bool expired = wait_for(
      [&] { return json_string(job(stack, id, user.api_key), "/status") == "expired"; }, 30s);
  stack.worker(0).kill(SIGCONT);
  ASSERT_TRUE(expired) << job(stack, id, user.api_key);
  EXPECT_EQ(json_int(job(stack, id, user.api_key), "/creditsCharged"), 0);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  // The frozen worker's late settlement changes nothing.
  expect_settled_books(stack, user.user_id, "balance", 100);
}

TEST(Cancel, FinalJobIs409AndAnotherUsersIs404) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto other = stack.create_user("pro", 100);
  auto r = stack.post_generate(user.api_key, async_body("finished fox"));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = json_string(r.body, "/jobId");
  auto c = cancel(stack, id, user.api_key);
  EXPECT_EQ(c.status, 409) << c.body;
  EXPECT_EQ(json_string(c.body, "/code"), "JOB_ALREADY_FINISHED");
  EXPECT_EQ(json_string(c.body, "/status"), "succeeded");
  EXPECT_EQ(cancel(stack, id, other.api_key).status, 404);
  EXPECT_EQ(cancel(stack, "0123abcd", user.api_key).status, 404);
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), kCost);
}

TEST(Cancel, ARunningJobIsCancelledRefundedAndTheSyncWaiterGets409) {
  Stack stack;
  auto user = stack.create_user("pro", 100);
  auto other = stack.create_user("pro", 100);
  auto waiting = std::async(std::launch::async, [&] {
    return stack.post_generate(user.api_key, async_body("doomed fox [sim:delay=8000]"));
  });
  // The job id, once admitted: the only unfinished job.
  std::string id;
  ASSERT_TRUE(wait_for(
      [&] {
        auto ids = stack.redis().command({"ZRANGE", "imagegen:deadlines", "0", "-1"}).strings();
        if (ids.size() == 1) id = ids[0];
        return !id.empty() && json_string(job(stack, id, user.api_key), "/status") == "running";
      },
      10s));
  EXPECT_EQ(cancel(stack, id, other.api_key).status, 404);
  auto c = cancel(stack, id, user.api_key);
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(json_string(c.body, "/status"), "cancelled");
  auto sync = waiting.get();
  EXPECT_EQ(sync.status, 409) << sync.body;
  EXPECT_EQ(json_string(sync.body, "/code"), "JOB_CANCELLED");
  EXPECT_EQ(json_string(sync.body, "/jobId"), id);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 100);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  auto again = cancel(stack, id, user.api_key);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(json_string(again.body, "/code"), "JOB_ALREADY_FINISHED");
  EXPECT_EQ(json_string(again.body, "/status"), "cancelled");
  // The worker's late settlement charges nothing: the stream entry is acked, books clean.
  expect_settled_books(stack, user.user_id, "captured", 0);
}

TEST(Cancel, RacingTheWorkersSettlementExactlyOneWins) {
  Stack stack;
  auto user = stack.create_user("pro", 1000);
  constexpr int kJobs = 12;
  std::int64_t succeeded = 0;
  for (int i = 0; i < kJobs; ++i) {
    // Job lengths around the moment the cancel lands (right after admission), so both orders
    // happen; whichever wins, the books must agree with the answer.
    const int delay = 15 * i;
    auto r = stack.post_generate(user.api_key,
                                 async_body("race fox [sim:delay=" + std::to_string(delay) + "]"),
                                 {"Prefer: respond-async"});
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string id = json_string(r.body, "/jobId");
    auto c = cancel(stack, id, user.api_key);
    const std::string j = job(stack, id, user.api_key);
    if (c.status == 200) {
      EXPECT_EQ(json_string(j, "/status"), "cancelled");
      EXPECT_EQ(json_int(j, "/creditsCharged"), 0);
    } else {
      ASSERT_EQ(c.status, 409) << c.body;
      EXPECT_EQ(json_string(j, "/status"), "succeeded");
      EXPECT_EQ(json_int(j, "/creditsCharged"), kCost);
      ++succeeded;
    }
  }
  // Every job's settlement (the worker's late ones included) has happened once.
  ASSERT_TRUE(wait_for([&] { return stream_drained(stack); }, 30s));
  EXPECT_EQ(stack.user_number(user.user_id, "captured"), succeeded * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "balance"), 1000 - succeeded * kCost);
  EXPECT_EQ(stack.user_number(user.user_id, "held"), 0);
  EXPECT_TRUE(audit_clean(stack));
}

}  // namespace
}  // namespace imagegen::testing
