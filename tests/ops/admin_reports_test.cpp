// The pure halves of the operator commands: availability, queue and usage reports.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "admin/model_availability.h"
#include "admin/queue_status.h"
#include "admin/usage_report.h"

namespace imagegen::admin {
namespace {

const Catalog& catalog() {
  static Catalog c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  return c;
}

std::string family_of(const std::string& model) { return catalog().find(model)->provider; }

TEST(ModelAvailability, ServedOnlyByUnexpiredHeartbeats) {
  const std::string gemini = family_of("nano-banana");
  std::map<std::string, std::vector<ServingWorker>> serves = {
      {gemini, {{"w-old", 999}, {"w-b", 2000}, {"w-a", 1001}}}};
  auto rows = model_availability(catalog(), {}, serves, 1000);
  ASSERT_EQ(rows.size(), catalog().models().size());
  for (const auto& r : rows) {
    EXPECT_EQ(r.family, family_of(r.model));
    if (r.family == gemini) {
      EXPECT_EQ(r.live_workers, (std::vector<std::string>{"w-a", "w-b"})) << r.model;
      EXPECT_TRUE(r.available());
    } else {
      EXPECT_FALSE(r.served()) << r.model;
      EXPECT_FALSE(r.available());
    }
  }
}

TEST(ModelAvailability, DisabledIsUnavailableEvenWhenServed) {
  const std::string gemini = family_of("nano-banana");
  auto rows = model_availability(catalog(), {"nano-banana"}, {{gemini, {{"w", 5000}}}}, 1000);
  for (const auto& r : rows) {
    if (r.model != "nano-banana") continue;
    EXPECT_TRUE(r.disabled);
    EXPECT_TRUE(r.served());
    EXPECT_FALSE(r.available());
  }
  const std::string text = render_model_list_text(rows);
  EXPECT_NE(text.find("nano-banana"), std::string::npos);
  EXPECT_NE(text.find("(disabled)"), std::string::npos);
  simdjson::dom::parser p;
  auto doc = p.parse(render_model_list_json(rows));
  ASSERT_FALSE(doc.error());
  simdjson::dom::array arr = doc.get_array();
  EXPECT_EQ(arr.size(), rows.size());
}

TEST(QueueStatus, EntryAges) {
  EXPECT_DOUBLE_EQ(entry_age_s("1000-0", 3500), 2.5);
  EXPECT_DOUBLE_EQ(entry_age_s("4000-0", 3500), 0);  // clock behind the id
  EXPECT_DOUBLE_EQ(entry_age_s("", 3500), 0);
}

TEST(QueueStatus, RendersEveryNumber) {
  QueueStatus q;
  q.depth = 7;
  q.stream_length = 6;
  q.lag = 4;
  q.pending = 2;
  q.oldest_waiting_age_s = 1.25;
  q.oldest_pending_age_s = 3;
  q.dead_letters = 1;
  q.group_exists = true;
  q.consumers = {{"worker-0", 2, 1500}};
  simdjson::dom::parser p;
  auto doc = p.parse(render_queue_json(q));
  ASSERT_FALSE(doc.error());
  EXPECT_EQ(int64_t(doc["depth"]), 7);
  EXPECT_EQ(int64_t(doc["lag"]), 4);
  EXPECT_EQ(int64_t(doc["deadLetters"]), 1);
  EXPECT_DOUBLE_EQ(double(doc["oldestWaitingAgeSeconds"]), 1.25);
  EXPECT_EQ(std::string_view(doc["consumers"].at(0)["name"]), "worker-0");
  EXPECT_EQ(int64_t(doc["consumers"].at(0)["pending"]), 2);
  const std::string text = render_queue_text(q);
  EXPECT_NE(text.find("worker-0 pending 2 idle 1.500 s"), std::string::npos) << text;
  EXPECT_NE(text.find("lag 4"), std::string::npos);
}

TEST(UsageReport, SumsCapturesAndRefundsByModel) {
  UsageReport r;
  r.user = "u1";
  const JobFacts banana{"nano-banana", 10};
  const JobFacts gpt{"gpt-image-1", 25};
  add_ledger_entry(r, {"grant", "u1", "", 500}, std::nullopt);
  add_ledger_entry(r, {"hold", "u1", "j1", 30}, banana);  // holds are not spending
  add_ledger_entry(r, {"capture", "u1", "j1", 20}, banana);
  add_ledger_entry(r, {"refund", "u1", "j1", 10}, banana);
  add_ledger_entry(r, {"capture", "u1", "j2", 50}, gpt);
  add_ledger_entry(r, {"capture", "u2", "j3", 50}, gpt);  // someone else
  add_ledger_entry(r, {"capture", "u1", "j4", 40}, std::nullopt);
  ASSERT_EQ(r.by_model.size(), 3u);
  EXPECT_EQ(r.by_model["nano-banana"].images, 2);
  EXPECT_EQ(r.by_model["nano-banana"].credits, 20);
  EXPECT_EQ(r.by_model["nano-banana"].refunded, 10);
  EXPECT_EQ(r.by_model["gpt-image-1"].images, 2);
  EXPECT_EQ(r.by_model[kExpiredJobModel].credits, 40);
  EXPECT_EQ(r.by_model[kExpiredJobModel].images, 0);
  EXPECT_EQ(r.uncounted_images_credits, 40);
  EXPECT_EQ(r.granted, 500);
  simdjson::dom::parser p;
  auto doc = p.parse(render_usage_json(r));
  ASSERT_FALSE(doc.error());
  EXPECT_EQ(int64_t(doc["images"]), 4);
  EXPECT_EQ(int64_t(doc["credits"]), 110);
  EXPECT_EQ(int64_t(doc["refunded"]), 10);
  EXPECT_TRUE(doc["since"].is_null());
  EXPECT_NE(render_usage_text(r).find("expired"), std::string::npos);
}

}  // namespace
}  // namespace imagegen::admin
