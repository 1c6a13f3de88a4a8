#pragma once
// `imagegen-admin usage`: one user's images and credits by model, summed from the credit ledger
// (imagegen:ledger). Ledger entries carry the job id, not the model, so the command looks the
// model and price per image up in the job record. Pure: entries and job facts come in as values.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace imagegen::admin {

// One imagegen:ledger entry: t (hold|capture|refund|grant), u, j, n, ts.
struct LedgerEntry {
  std::string type;
  std::string user;
  std::string job;
  std::int64_t amount = 0;
};

// From imagegen:job:<id>; absent once the job record has expired (IMAGEGEN_JOB_TTL_S).
struct JobFacts {
  std::string model;
  std::int64_t cost_per_image = 0;
};

// The model name used when the job record is gone.
inline constexpr const char* kExpiredJobModel = "(job expired)";

struct ModelUsage {
  std::int64_t images = 0;    // delivered and paid for: captured credits / price per image
  std::int64_t credits = 0;   // captured
  std::int64_t refunded = 0;  // held, then given back (failures, partial results, expiry)
};

struct UsageReport {
  std::string user;
  std::optional<std::int64_t> since_ms;
  std::map<std::string, ModelUsage> by_model;
  std::int64_t granted = 0;
  std::int64_t uncounted_images_credits = 0;  // captured for expired jobs: images unknown
};

// Adds one ledger entry of report.user (others are ignored). `job` is the entry's job record.
void add_ledger_entry(UsageReport& report, const LedgerEntry& entry,
                      const std::optional<JobFacts>& job);

std::string render_usage_text(const UsageReport& report);
std::string render_usage_json(const UsageReport& report);

}  // namespace imagegen::admin
