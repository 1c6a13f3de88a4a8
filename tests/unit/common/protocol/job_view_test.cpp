#include "common/protocol/job_view.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "common/job_codec.h"
#include "tests/support/repo_catalog.h"

namespace imagegen::protocol {
namespace {

const Catalog& catalog() { return testing::repo_catalog(); }

TEST(JobView, MillisecondTimesAreNotTruncated) {
  // A unix-ms time does not fit in 32 bits: createdAt used to read 1970-01-01.
  JobFields f{{"status", "succeeded"},
              {"model", "gpt-image-1"},
              {"count", "1"},
              {"created", "1764552225123"},
              {"started", "1764552226000"},
              {"finished", "1764552227456"},
              {"results", R"(["u/generated/generated_j_0.png"])"},
              {"charged", "12"},
              {"prompt", "a cat"}};
  auto body = job_body("j", f, catalog());
  EXPECT_NE(body.find(R"("createdAt":"2025-12-01T01:23:45.123Z")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("startedAt":"2025-12-01T01:23:46.000Z")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("finishedAt":"2025-12-01T01:23:47.456Z")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("url":"/api/v1/files/u/generated/generated_j_0.png")"), std::string::npos);
  EXPECT_NE(body.find(R"("provider":"openai")"), std::string::npos);
  EXPECT_NE(body.find(R"("creditsCharged":12)"), std::string::npos);
}

TEST(JobView, ADamagedHashGivesDefaultsNotAnException) {
  JobFields f{{"status", "running"},  {"count", "lots"},
              {"created", "-7"},      {"finished", "99999999999999999999999"},
              {"results", "{broken"}, {"charged", "x"}};
  std::string body;
  ASSERT_NO_THROW(body = job_body("j", f, catalog()));
  simdjson::dom::parser p;
  ASSERT_EQ(p.parse(body).error(), simdjson::SUCCESS) << body;
  EXPECT_NE(body.find(R"("createdAt":null)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("finishedAt":null)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("count":0)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("results":[])"), std::string::npos) << body;
}

TEST(JobView, ShowsTheWebhookWhenThereIsOne) {
  JobFields f{{"status", "succeeded"},
              {"hook", "https://example.com/h"},
              {"hook_state", "delivered"},
              {"hook_attempts", "2"},
              {"hook_last_status", "204"}};
  auto body = job_body("j", f, catalog());
  EXPECT_NE(
      body.find(
          R"("webhook":{"url":"https://example.com/h","status":"delivered","attempts":2,"lastStatus":204)"),
      std::string::npos)
      << body;
}

// A record ADMIT wrote holds its spec as one value: flattened, it reads as a record of fields,
// the record's own fields (REQUEUE's new deadline) winning over the spec's.
TEST(JobView, ARecordWithItsSpecAsOneValueReadsLikeOneWithFields) {
  JobSpec spec;
  spec.job_id = "j";
  spec.model = "gpt-image-1";
  spec.prompt = "a cat";
  spec.resolution = "1K";
  spec.count = 2;
  spec.created_ms = 1764552225123;
  spec.deadline_ms = 1764552285123;
  JobFields f{{"status", "queued"}, {"deadline", "1764552999000"}};
  f.emplace(std::string(kJobSpecField), encode_job_spec(spec));
  flatten_job_spec(f);
  EXPECT_EQ(f.count(std::string(kJobSpecField)), 0u);
  EXPECT_EQ(f["model"], "gpt-image-1");
  EXPECT_EQ(f["prompt"], "a cat");
  EXPECT_EQ(f["count"], "2");
  EXPECT_EQ(f["deadline"], "1764552999000");
  EXPECT_EQ(f["status"], "queued");
  auto body = job_body("j", f, catalog());
  EXPECT_NE(body.find(R"("model":"gpt-image-1")"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("count":2)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("createdAt":"2025-12-01T01:23:45.123Z")"), std::string::npos) << body;
}

TEST(JobView, ADamagedSpecAddsNothing) {
  JobFields f{{"status", "queued"}, {std::string(kJobSpecField), "{broken"}};
  flatten_job_spec(f);
  EXPECT_EQ(f.size(), 1u);
  EXPECT_EQ(f["status"], "queued");
}

}  // namespace
}  // namespace imagegen::protocol
