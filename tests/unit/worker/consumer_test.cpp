// The consumer's read side against a real Redis: what it takes from the stream, how many at a
// time, and what becomes of entries it cannot run. (Start marks are START_MANY's business and
// are not looked at here.)
#include "worker/consumer.h"

#include "tests/unit/image/test_images.h"
#include "tests/unit/worker/consumer_fixture.h"

namespace imagegen::worker {
namespace {

TEST_F(ConsumerTest, JobOfAnUnknownModelIsSettledFailedRefundedAndRemovedFromTheStream) {
  admit(job("job-1", "no-such-model"));
  start(4);
  ASSERT_TRUE(eventually([&] { return job_field("job-1", "status") == "failed"; }));
  EXPECT_EQ(job_field("job-1", "error"), "unknown model");
  EXPECT_EQ(job_field("job-1", "charged"), "0");
  EXPECT_EQ(user_field("held"), 0);
  EXPECT_EQ(user_field("balance"), 5);             // the hold came back
  EXPECT_EQ(pending_entries(), 0);                 // SETTLE acked it...
  EXPECT_EQ(stream_length(keys::kJobsStream), 0);  // ...and deleted it
}

TEST_F(ConsumerTest, JobPastItsDeadlineIsSettledExpiredWithoutRunning) {
  catalog_ = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  JobSpec late = job("job-late", "nano-banana");
  late.deadline_ms = now_unix_ms() - 1000;
  admit(late);
  start(4);
  ASSERT_TRUE(eventually([&] { return job_field("job-late", "status") == "expired"; }));
  EXPECT_EQ(job_field("job-late", "error"), "deadline passed before a worker took the job");
  EXPECT_TRUE(upstream_.requests().empty());  // nothing was spent upstream
  EXPECT_EQ(user_field("balance"), 5);
}

TEST_F(ConsumerTest, MalformedEntryIsAckedAndSkippedAndTheNextJobStillRuns) {
  create_group();
  redis_.command({"XADD", std::string(keys::kJobsStream), "*", "junk", "1"});
  admit(job("job-after", "no-such-model"));
  start(4);
  ASSERT_TRUE(eventually([&] { return job_field("job-after", "status") == "failed"; }));
  EXPECT_EQ(pending_entries(), 0);  // the malformed entry was acked, so it never comes back
  // Acked, not deleted (nothing owns it); the good job's entry was deleted by SETTLE.
  EXPECT_EQ(stream_length(keys::kJobsStream), 1);
}

TEST_F(ConsumerTest, TakesNoMoreJobsThanItHasFreeSlots) {
  catalog_ = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  upstream_reply_ = [](const support::TestRequest&) {
    return support::TestReply{200,
                              {{"Content-Type", "application/json"}},
                              support::gemini_image_body(support::make_png(16, 16)),
                              false};
  };
  // Upstream answers nothing until a third call arrives: while the two slots are busy, a third
  // job must stay in the stream.
  upstream_.hold_replies_until(3);
  // One deadline for both: the first to expire frees a slot, the third call then releases the
  // held replies, and a second job with a later deadline (even by milliseconds, on a slow
  // sanitizer run) could still take its reply and succeed.
  const std::int64_t deadline = now_unix_ms() + 2500;  // ends the hold-up from our side
  for (const char* id : {"job-a", "job-b"}) {
    JobSpec short_lived = job(id, "nano-banana");
    short_lived.deadline_ms = deadline;
    admit(short_lived);
  }
  admit(job("job-c", "nano-banana"));
  start(2);
  ASSERT_TRUE(eventually([&] { return upstream_.requests().size() == 2; }));
  io_.run_for(300ms);  // room for a wrong extra read
  EXPECT_EQ(upstream_.requests().size(), 2u);
  EXPECT_EQ(pending_entries(), 2);  // read by the group: only the two running jobs
  EXPECT_EQ(job_field("job-c", "status"), "queued");

  // The first two run out of time, their slots free up, and the third is read and runs.
  ASSERT_TRUE(eventually([&] { return job_field("job-c", "status") == "succeeded"; }, 20s));
  EXPECT_EQ(job_field("job-a", "status"), "expired");
  EXPECT_EQ(job_field("job-b", "status"), "expired");
  EXPECT_EQ(upstream_.requests().size(), 3u);
  EXPECT_EQ(pending_entries(), 0);
}

}  // namespace
}  // namespace imagegen::worker
