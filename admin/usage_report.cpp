#include "admin/usage_report.h"

#include "admin/iso_time.h"
#include "common/json_writer.h"

namespace imagegen::admin {

void add_ledger_entry(UsageReport& report, const LedgerEntry& entry,
                      const std::optional<JobFacts>& job) {
  if (entry.user != report.user) return;
  if (entry.type == "grant") {
    report.granted += entry.amount;
    return;
  }
  if (entry.type != "capture" && entry.type != "refund") return;  // holds are not spending
  const std::string model = job ? job->model : kExpiredJobModel;
  ModelUsage& u = report.by_model[model];
  if (entry.type == "refund") {
    u.refunded += entry.amount;
    return;
  }
  u.credits += entry.amount;
  if (job && job->cost_per_image > 0) {
    u.images += entry.amount / job->cost_per_image;
  } else {
    report.uncounted_images_credits += entry.amount;
  }
}

namespace {
ModelUsage totals(const UsageReport& r) {
  ModelUsage t;
  for (const auto& [_, u] : r.by_model) {
    t.images += u.images;
    t.credits += u.credits;
    t.refunded += u.refunded;
  }
  return t;
}
}  // namespace

std::string render_usage_text(const UsageReport& r) {
  std::string out = "user " + r.user + " since " +
                    (r.since_ms ? format_iso8601_ms(*r.since_ms) : std::string("the start")) + "\n";
  for (const auto& [model, u] : r.by_model) {
    out += "  " + model + ": images " + std::to_string(u.images) + ", credits " +
           std::to_string(u.credits) + ", refunded " + std::to_string(u.refunded) + "\n";
  }
  const ModelUsage t = totals(r);
  out += "total: images " + std::to_string(t.images) + ", credits " + std::to_string(t.credits) +
         ", refunded " + std::to_string(t.refunded) + ", granted " + std::to_string(r.granted) +
         "\n";
  if (r.uncounted_images_credits > 0) {
    out += "(" + std::to_string(r.uncounted_images_credits) +
           " credits were captured for jobs whose records expired: their images are not counted)\n";
  }
  return out;
}

std::string render_usage_json(const UsageReport& r) {
  JsonWriter w;
  w.begin_object().field("userId", r.user).key("since");
  if (r.since_ms)
    w.value(format_iso8601_ms(*r.since_ms));
  else
    w.null();
  w.key("models").begin_array();
  for (const auto& [model, u] : r.by_model) {
    w.begin_object()
        .field("model", model)
        .field("images", u.images)
        .field("credits", u.credits)
        .field("refunded", u.refunded)
        .end_object();
  }
  w.end_array();
  const ModelUsage t = totals(r);
  w.field("images", t.images)
      .field("credits", t.credits)
      .field("refunded", t.refunded)
      .field("granted", r.granted)
      .field("creditsWithoutImageCount", r.uncounted_images_credits)
      .end_object();
  return w.take() + "\n";
}

}  // namespace imagegen::admin
