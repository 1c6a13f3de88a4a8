// The consumer's crash recovery against a real Redis: entries a dead worker read and never
// settled are claimed and run again, and an entry that keeps coming back is dead-lettered.
#include "tests/unit/worker/consumer_fixture.h"

namespace imagegen::worker {
namespace {

using ConsumerReclaimTest = ConsumerTest;

TEST_F(ConsumerReclaimTest, IdleEntryOfADeadWorkerIsClaimedAndRunAgain) {
  create_group();
  admit(job("job-orphan", "no-such-model"));
  read_as("dead-worker", 1);  // it took the job and died
  ASSERT_EQ(pending_entries(), 1);
  start(4);
  ASSERT_TRUE(eventually([&] { return job_field("job-orphan", "status") == "failed"; }));
  EXPECT_EQ(job_field("job-orphan", "error"), "unknown model");  // it ran here
  EXPECT_EQ(pending_entries(), 0);
  EXPECT_EQ(stream_length(keys::kDeadLetterStream), 0);
}

TEST_F(ConsumerReclaimTest, EntryDeliveredTooOftenIsDeadLetteredAndRefunded) {
  config_.max_deliveries = 1;
  create_group();
  admit(job("job-poison", "no-such-model"));
  read_as("dead-worker", 1);  // delivery 1; the reclaim would be delivery 2
  start(4);
  ASSERT_TRUE(eventually([&] { return job_field("job-poison", "status") == "failed"; }));
  EXPECT_EQ(job_field("job-poison", "error"), "dead-lettered after 2 deliveries");
  EXPECT_EQ(user_field("held"), 0);
  EXPECT_EQ(user_field("balance"), 5);
  EXPECT_EQ(pending_entries(), 0);
  const auto dlq = redis_.command({"XRANGE", std::string(keys::kDeadLetterStream), "-", "+"});
  ASSERT_EQ(dlq.elements().size(), 1u);
  const auto fields = dlq.elements()[0].elements()[1].strings();
  const auto value_of = [&fields](std::string_view name) {
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i] == name) return fields[i + 1];
    }
    return std::string();
  };
  EXPECT_EQ(value_of("deliveries"), "2");
  EXPECT_EQ(value_of("reason"), "max deliveries exceeded");
  EXPECT_EQ(value_of("id"), "job-poison");
}

TEST_F(ConsumerReclaimTest, EntryOfALiveConsumerThatKeepsItFreshIsNotTaken) {
  config_.reclaim_idle_ms = 1000;
  create_group();
  admit(job("job-alive", "no-such-model"));
  read_as("live-worker", 1);
  start(4);
  // The live worker's heartbeat: XCLAIM to itself resets the idle time without a delivery.
  for (int i = 0; i < 15; ++i) {
    const auto pending = redis_.command({"XPENDING", std::string(keys::kJobsStream),
                                         std::string(keys::kWorkersGroup), "-", "+", "10"});
    ASSERT_EQ(pending.elements().size(), 1u);
    const std::string id = pending.elements()[0].elements()[0].as_string();
    redis_.command({"XCLAIM", std::string(keys::kJobsStream), std::string(keys::kWorkersGroup),
                    "live-worker", "0", id, "JUSTID"});
    io_.run_for(100ms);
  }
  EXPECT_EQ(job_field("job-alive", "status"), "queued");
  EXPECT_EQ(pending_entries(), 1);
}

}  // namespace
}  // namespace imagegen::worker
