// Every decoder of bytes that come from Redis: the completion message and the ADMIT / SETTLE
// replies (common/protocol/), and decode_job_fields (lines "name=value" of the input, a "spec"
// line the spec as one JSON value), which must survive encode -> decode unchanged either way.
#include <simdjson.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/job_codec.h"
#include "common/protocol/admission.h"
#include "common/protocol/completion.h"
#include "common/protocol/settlement.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using Fields = std::map<std::string, std::string, std::less<>>;

Fields parse_lines(std::string_view in) {
  Fields f;
  while (!in.empty()) {
    auto nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    auto eq = line.find('=');
    if (eq != std::string_view::npos) f[std::string(line.substr(0, eq))] = line.substr(eq + 1);
  }
  return f;
}

bool same(const imagegen::JobSpec& a, const imagegen::JobSpec& b) {
  return a.job_id == b.job_id && a.user_id == b.user_id && a.model == b.model &&
         a.prompt == b.prompt && a.negative_prompt == b.negative_prompt && a.seed == b.seed &&
         a.aspect_ratio == b.aspect_ratio && a.resolution == b.resolution && a.count == b.count &&
         a.cost_per_image == b.cost_per_image && a.reply_channel == b.reply_channel &&
         a.created_ms == b.created_ms && a.deadline_ms == b.deadline_ms &&
         a.request_id == b.request_id && a.webhook_url == b.webhook_url;
}

// Replies of the ADMIT and SETTLE scripts and the completion message: bytes from Redis.
std::vector<std::string> split_lines(std::string_view in) {
  std::vector<std::string> out;
  while (!in.empty()) {
    auto nl = in.find('\x1f');  // unit separator: reply elements may contain newlines
    out.emplace_back(in.substr(0, nl));
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
  }
  return out;
}

void protocol_replies(std::string_view in) {
  auto m = imagegen::protocol::decode_completion(in);
  if (m) {
    FUZZ_CHECK(!m->job_id.empty() && !m->status.empty());
    FUZZ_CHECK(m->job_id.find('\n') == std::string::npos);
  } else {
    FUZZ_CHECK(!m.error().message.empty());
  }
  const auto parts = split_lines(in);
  auto admit = imagegen::protocol::decode_admit_reply(parts);
  if (admit && admit->verdict == imagegen::protocol::AdmitVerdict::kIdempotentReplay) {
    FUZZ_CHECK(!admit->replay_job_id.empty());
  }
  auto settle = imagegen::protocol::decode_settle_reply(parts);
  if (settle && settle->outcome != imagegen::protocol::SettleReply::Outcome::kMissing) {
    FUZZ_CHECK(!settle->completion.status.empty());
  }
  // A batch reply: either exactly one result per job or an error.
  const std::size_t jobs = parts.size() / 2;
  auto batch = imagegen::protocol::decode_settle_replies(parts, jobs);
  if (batch) FUZZ_CHECK(batch->size() == jobs);
}

void job_fields(std::string_view in) {
  auto spec = imagegen::decode_job_fields(parse_lines(in));
  if (!spec) {
    FUZZ_CHECK(!spec.error().message.empty());
    return;
  }
  FUZZ_CHECK(spec->count >= 1 && spec->count <= 4);
  FUZZ_CHECK(spec->cost_per_image >= 0);
  Fields encoded;
  for (auto& [k, v] : imagegen::encode_job_fields(*spec)) encoded[k] = v;
  encoded["user"] = spec->user_id;
  auto again = imagegen::decode_job_fields(encoded);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(same(*spec, *again));
  // The spec as one value (what ADMIT writes) decodes to the same job too, when its strings are
  // UTF-8: JSON carries nothing else, and the api admits nothing else (a strict UTF-8 body, an
  // ASCII request id).
  const std::string spec_json = imagegen::encode_job_spec(*spec);
  if (!simdjson::validate_utf8(spec_json.data(), spec_json.size())) return;
  Fields one_value = {{"user", spec->user_id}, {std::string(imagegen::kJobSpecField), spec_json}};
  auto from_value = imagegen::decode_job_fields(one_value);
  FUZZ_CHECK(from_value.ok());
  FUZZ_CHECK(same(*spec, *from_value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  protocol_replies(in);
  job_fields(in);
  return 0;
}
