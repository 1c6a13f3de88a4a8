#include "common/job_codec.h"

#include <simdjson.h>

#include <charconv>

#include "common/config.h"
#include "common/json_writer.h"

namespace imagegen {

namespace {

// Indices into kJobFieldNames (static_asserts below keep the two in step).
enum Field : std::size_t {
  kId,
  kModel,
  kPrompt,
  kRes,
  kCount,
  kCpi,
  kReply,
  kCreated,
  kDeadline,
  kNeg,
  kSeed,
  kAspect,
  kRid,
  kHook,
  kFields
};
static_assert(std::size(kJobFieldNames) == kFields, "one name per Field");
static_assert(kJobFieldNames[kId] == "id" && kJobFieldNames[kModel] == "model" &&
                  kJobFieldNames[kPrompt] == "prompt" && kJobFieldNames[kRes] == "res" &&
                  kJobFieldNames[kCount] == "count" && kJobFieldNames[kCpi] == "cpi" &&
                  kJobFieldNames[kReply] == "reply" && kJobFieldNames[kCreated] == "created" &&
                  kJobFieldNames[kDeadline] == "deadline" && kJobFieldNames[kNeg] == "neg" &&
                  kJobFieldNames[kSeed] == "seed" && kJobFieldNames[kAspect] == "aspect" &&
                  kJobFieldNames[kRid] == "rid" && kJobFieldNames[kHook] == "hook" &&
                  kRequiredJobFields == kNeg,
              "Field follows kJobFieldNames, the optional fields last");

// The values of kJobFieldNames in its order, empty ones included.
std::vector<std::string> field_values(const JobSpec& s) {
  std::vector<std::string> v(kFields);
  v[kId] = s.job_id;
  v[kModel] = s.model;
  v[kPrompt] = s.prompt;
  v[kRes] = s.resolution;
  v[kCount] = std::to_string(s.count);
  v[kCpi] = std::to_string(s.cost_per_image);
  v[kReply] = s.reply_channel;
  v[kCreated] = std::to_string(s.created_ms);
  v[kDeadline] = std::to_string(s.deadline_ms);
  v[kNeg] = s.negative_prompt;
  if (s.seed) v[kSeed] = std::to_string(*s.seed);
  v[kAspect] = s.aspect_ratio;
  v[kRid] = s.request_id;
  v[kHook] = s.webhook_url;
  return v;
}

}  // namespace

FieldList encode_job_fields(const JobSpec& s) {
  std::vector<std::string> values = field_values(s);
  FieldList f;
  f.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i >= kRequiredJobFields && values[i].empty()) continue;
    f.emplace_back(std::string(kJobFieldNames[i]), std::move(values[i]));
  }
  return f;
}

std::string encode_job_spec(const JobSpec& s) {
  // Written by hand rather than through JsonWriter and field_values: the names are constants
  // and the numbers digits, so only the strings go through the escaper, and nothing is built on
  // the way. It runs for every admitted request: the first version (14 names and 14 values
  // escaped, a vector of 14 strings) cost the api ~4,500 instructions per request (callgrind,
  // docs/bench.md, fourteenth round).
  std::string out;
  out.reserve(192 + s.job_id.size() + s.model.size() + s.prompt.size() + s.resolution.size() +
              s.reply_channel.size() + s.negative_prompt.size() + s.aspect_ratio.size() +
              s.request_id.size() + s.webhook_url.size());
  out += '{';
  auto name = [&](Field f) {
    if (out.size() > 1) out += ',';
    out += '"';
    out += kJobFieldNames[f];
    out += "\":";
  };
  auto text = [&](Field f, std::string_view v) {
    name(f);
    append_json_string(out, v);
  };
  auto number = [&](Field f, std::int64_t n) {
    name(f);
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
    out += '"';
    out.append(digits, end);
    out += '"';
  };
  // kJobFieldNames' order; the required fields always, the optional ones when not empty.
  text(kId, s.job_id);
  text(kModel, s.model);
  text(kPrompt, s.prompt);
  text(kRes, s.resolution);
  number(kCount, s.count);
  number(kCpi, s.cost_per_image);
  text(kReply, s.reply_channel);
  number(kCreated, s.created_ms);
  number(kDeadline, s.deadline_ms);
  if (!s.negative_prompt.empty()) text(kNeg, s.negative_prompt);
  if (s.seed) number(kSeed, *s.seed);
  if (!s.aspect_ratio.empty()) text(kAspect, s.aspect_ratio);
  if (!s.request_id.empty()) text(kRid, s.request_id);
  if (!s.webhook_url.empty()) text(kHook, s.webhook_url);
  out += '}';
  return out;
}

namespace {
// Parses a spec and calls on_pair(name, value) for each of its pairs, in order, with views into
// this thread's parser: valid until the next spec is parsed on the thread. One parser per
// thread, as decode_path_list: this runs for every job a worker takes.
template <typename OnPair>
Result<Ok> visit_spec(std::string_view spec_json, OnPair on_pair) {
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(spec_json);
  simdjson::dom::object obj;
  if (parser.parse(padded).get_object().get(obj)) {
    return make_error(Errc::kProtocol, "job spec is not a JSON object");
  }
  for (auto [key, value] : obj) {
    std::string_view v;
    if (value.get_string().get(v)) {
      return make_error(Errc::kProtocol, "job spec field " + std::string(key) + " is not a string");
    }
    on_pair(key, v);
  }
  return Ok{};
}
}  // namespace

Result<FieldList> job_spec_fields(std::string_view spec_json) {
  FieldList out;
  out.reserve(kFields);
  auto parsed = visit_spec(spec_json, [&](std::string_view name, std::string_view value) {
    out.emplace_back(std::string(name), std::string(value));
  });
  if (!parsed) return parsed.error();
  return out;
}

std::string job_field(std::string_view own_value, std::string_view spec_json,
                      std::string_view name) {
  if (!own_value.empty() || spec_json.empty()) return std::string(own_value);
  std::string found;
  auto parsed = visit_spec(spec_json, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
  });
  return parsed ? found : std::string();
}

Result<JobSpec> decode_job_fields(const FieldViews& fields) {
  for (const auto& [name, value] : fields) {
    if (name != kJobSpecField) continue;
    // The spec's pairs first and the others after them (the last of a name wins), and no spec
    // field among them: one level of expansion, whatever the spec holds. Views into the parser,
    // which the decode below copies out of before anything parses again.
    FieldViews flat;
    flat.reserve(kFields + fields.size());
    auto parsed = visit_spec(value, [&](std::string_view n, std::string_view v) {
      if (n != kJobSpecField) flat.emplace_back(n, v);
    });
    if (!parsed) return parsed.error();
    for (const auto& pair : fields) {
      if (pair.first != kJobSpecField) flat.push_back(pair);
    }
    return decode_job_fields(flat);
  }
  // One pass over the pairs, each value noted in its name's slot; "user" has a slot of its own
  // (ADMIT adds it to the spec's fields).
  const std::string_view* slot[kFields] = {};
  const std::string_view* user = nullptr;
  for (const auto& [name, value] : fields) {
    if (name == "user") {
      user = &value;
      continue;
    }
    for (std::size_t i = 0; i < kFields; ++i) {
      if (name == kJobFieldNames[i]) {
        slot[i] = &value;
        break;
      }
    }
  }
  if (user == nullptr) return make_error(Errc::kProtocol, "job field missing: user");
  for (std::size_t i = 0; i < kRequiredJobFields; ++i) {
    if (slot[i] == nullptr) {
      return make_error(Errc::kProtocol, "job field missing: " + std::string(kJobFieldNames[i]));
    }
  }
  // An optional field is empty when absent.
  auto optional = [&](Field f) { return slot[f] ? *slot[f] : std::string_view(); };
  JobSpec s;
  s.job_id = *slot[kId];
  s.user_id = *user;
  s.model = *slot[kModel];
  s.prompt = *slot[kPrompt];
  s.resolution = *slot[kRes];
  s.reply_channel = *slot[kReply];
  s.negative_prompt = optional(kNeg);
  s.aspect_ratio = optional(kAspect);
  s.request_id = optional(kRid);
  s.webhook_url = optional(kHook);
  if (const std::string_view seed_text = optional(kSeed); !seed_text.empty()) {
    auto seed = parse_int(seed_text, 0, 4294967295LL);
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
