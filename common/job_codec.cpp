#include "common/job_codec.h"

#include <simdjson.h>

#include "common/config.h"
#include "common/json_writer.h"

namespace imagegen {

std::vector<std::string> job_field_values(const JobSpec& s) {
  std::vector<std::string> v;
  v.reserve(std::size(kJobFieldNames));
  v.push_back(s.job_id);
  v.push_back(s.model);
  v.push_back(s.prompt);
  v.push_back(s.negative_prompt);
  v.push_back(s.seed ? std::to_string(*s.seed) : std::string());
  v.push_back(s.aspect_ratio);
  v.push_back(s.resolution);
  v.push_back(std::to_string(s.count));
  v.push_back(std::to_string(s.cost_per_image));
  v.push_back(s.reply_channel);
  v.push_back(std::to_string(s.created_ms));
  v.push_back(std::to_string(s.deadline_ms));
  v.push_back(s.request_id);
  v.push_back(s.webhook_url);
  return v;
}

FieldList encode_job_fields(const JobSpec& s) {
  std::vector<std::string> values = job_field_values(s);
  FieldList f;
  f.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i >= kRequiredJobFields && values[i].empty()) continue;
    f.emplace_back(std::string(kJobFieldNames[i]), std::move(values[i]));
  }
  return f;
}

namespace {

// Every field a job record has, in the order of Field; the first 13 are required.
enum Field : std::size_t {
  kId,
  kUser,
  kModel,
  kPrompt,
  kNeg,
  kSeed,
  kAspect,
  kRes,
  kCount,
  kCpi,
  kReply,
  kCreated,
  kDeadline,
  kRid,
  kHook
};
constexpr std::string_view kNames[] = {"id",    "user",    "model",    "prompt", "neg",
                                       "seed",  "aspect",  "res",      "count",  "cpi",
                                       "reply", "created", "deadline", "rid",    "hook"};
constexpr std::size_t kRequired = kDeadline + 1;
constexpr std::size_t kFields = std::size(kNames);
static_assert(kFields == kHook + 1, "one name per Field");

// The spec's names are these without "user", in the same order: one list of names, two views.
constexpr bool same_names_but_user() {
  if (std::size(kJobFieldNames) + 1 != kFields || kRequiredJobFields + 1 != kRequired) return false;
  for (std::size_t i = 0; i < std::size(kJobFieldNames); ++i) {
    if (kJobFieldNames[i] != kNames[i == 0 ? 0 : i + 1]) return false;
  }
  return true;
}
static_assert(same_names_but_user(), "kJobFieldNames is kNames without user");

}  // namespace

Result<JobSpec> decode_job_fields(const FieldViews& fields) {
  // One pass over the pairs, each value noted in its name's slot.
  const std::string_view* slot[kFields] = {};
  for (const auto& [name, value] : fields) {
    for (std::size_t i = 0; i < kFields; ++i) {
      if (name == kNames[i]) {
        slot[i] = &value;
        break;
      }
    }
  }
  for (std::size_t i = 0; i < kRequired; ++i) {
    if (slot[i] == nullptr) {
      return make_error(Errc::kProtocol, "job field missing: " + std::string(kNames[i]));
    }
  }
  JobSpec s;
  s.job_id = *slot[kId];
  s.user_id = *slot[kUser];
  s.model = *slot[kModel];
  s.prompt = *slot[kPrompt];
  s.negative_prompt = *slot[kNeg];
  s.aspect_ratio = *slot[kAspect];
  s.resolution = *slot[kRes];
  s.reply_channel = *slot[kReply];
  if (const auto* rid = slot[kRid]) s.request_id = *rid;
  if (const auto* hook = slot[kHook]) s.webhook_url = *hook;
  if (!slot[kSeed]->empty()) {
    auto seed = parse_int(*slot[kSeed], 0, 4294967295LL);
    if (!seed) return make_error(Errc::kProtocol, "job field seed: " + seed.error().message);
    s.seed = static_cast<std::uint32_t>(*seed);
  }
  auto count = parse_int(*slot[kCount], 1, 4);
  auto cpi = parse_int(*slot[kCpi], 0, 1'000'000'000);
  auto created = parse_int(*slot[kCreated], 0, INT64_MAX);
  auto deadline = parse_int(*slot[kDeadline], 0, INT64_MAX);
  if (!count || !cpi || !created || !deadline) {
    return make_error(Errc::kProtocol, "job " + s.job_id + ": malformed numeric field");
  }
  s.count = static_cast<int>(*count);
  s.cost_per_image = *cpi;
  s.created_ms = *created;
  s.deadline_ms = *deadline;
  if (s.job_id.empty() || s.user_id.empty() || s.model.empty()) {
    return make_error(Errc::kProtocol, "job with empty id, user or model");
  }
  return s;
}

Result<JobSpec> decode_job_fields(const std::map<std::string, std::string, std::less<>>& fields) {
  FieldViews views(fields.begin(), fields.end());
  return decode_job_fields(views);
}

std::string encode_path_list(const std::vector<std::string>& paths) {
  JsonWriter w;
  w.begin_array();
  for (const auto& p : paths) w.value(p);
  w.end_array();
  return w.take();
}

Result<std::vector<std::string>> decode_path_list(std::string_view json) {
  if (json.empty()) return std::vector<std::string>{};
  // One parser per thread: a new one allocates its buffers on every call, and this runs for
  // every completion message (the worker's settlement replies, the api's waiting requests).
  // Every string is copied out before returning, so nothing points into it afterwards.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get_array().get(arr)) {
    return make_error(Errc::kProtocol, "results are not a JSON array");
  }
  std::vector<std::string> out;
  for (auto item : arr) {
    std::string_view s;
    if (item.get_string().get(s)) return make_error(Errc::kProtocol, "result path is not a string");
    out.emplace_back(s);
  }
  return out;
}

}  // namespace imagegen
