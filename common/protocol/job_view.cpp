#include "common/protocol/job_view.h"

#include "common/clock.h"
#include "common/config.h"
#include "common/job_codec.h"
#include "common/json_writer.h"

namespace imagegen::protocol {

namespace {
const std::string& field(const JobFields& f, const char* name) {
  static const std::string kEmpty;
  auto it = f.find(name);
  return it == f.end() ? kEmpty : it->second;
}

// A non-negative integer field, or nullopt when absent or damaged.
std::optional<std::int64_t> number(const JobFields& f, const char* name) {
  auto v = parse_int(field(f, name), 0, INT64_MAX);
  return v ? std::optional<std::int64_t>(*v) : std::nullopt;
}

void time_field(JsonWriter& w, std::string_view key, std::optional<std::int64_t> ms) {
  w.key(key);
  if (ms && *ms > 0) {
    w.value(format_iso8601_ms(*ms));
  } else {
    w.null();
  }
}
}  // namespace

void flatten_job_spec(JobFields& fields) {
  auto spec = fields.find(std::string(kJobSpecField));
  if (spec == fields.end()) return;
  auto expanded = job_spec_fields(spec->second);
  fields.erase(spec);
  if (!expanded) return;
  for (auto& [name, value] : *expanded) fields.try_emplace(std::move(name), std::move(value));
}

std::string file_url(std::string_view file_path) {
  return std::string("/api/v1/files/") += file_path;
}

std::string job_body(std::string_view job_id, const JobFields& f, const Catalog& catalog) {
  const ModelInfo* model = catalog.find(field(f, "model"));
  const std::string provider = model ? model->provider : "";
  JsonWriter w;
  w.begin_object();
  w.field("jobId", job_id).field("status", field(f, "status")).field("model", field(f, "model"));
  w.field("count", number(f, "count").value_or(0));
  time_field(w, "createdAt", number(f, "created"));
  time_field(w, "startedAt", number(f, "started"));
  time_field(w, "finishedAt", number(f, "finished"));
  w.key("results").begin_array();
  if (auto paths = decode_path_list(field(f, "results"))) {
    for (const auto& p : paths.value()) {
      w.begin_object()
          .field("filePath", p)
          .field("prompt", field(f, "prompt"))
          .field("provider", provider)
          .field("url", file_url(p))
          .end_object();
    }
  }
  w.end_array();
  w.field("creditsCharged", number(f, "charged").value_or(0));
  if (!field(f, "error").empty()) w.field("error", field(f, "error"));
  if (!field(f, "hook").empty()) {
    w.key("webhook").begin_object();
    w.field("url", field(f, "hook"));
    const std::string& state = field(f, "hook_state");
    w.field("status", state.empty() ? std::string_view("waiting") : std::string_view(state));
    w.field("attempts", number(f, "hook_attempts").value_or(0));
    if (auto code = number(f, "hook_last_status")) w.field("lastStatus", *code);
    time_field(w, "nextAttemptAt", number(f, "hook_next"));
    w.end_object();
  }
  w.end_object();
  return w.take();
}

}  // namespace imagegen::protocol
