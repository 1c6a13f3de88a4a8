// The job codec reads what other processes wrote to Redis. Every input goes to both decoders:
//  decode_result_message(input), and decode_job_fields(lines "name=value" of the input).
// Whatever decodes must survive encode -> decode unchanged.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/job_codec.h"
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
         a.created_ms == b.created_ms && a.deadline_ms == b.deadline_ms;
}

void result_message(std::string_view in) {
  auto m = imagegen::decode_result_message(in);
  if (!m) {
    FUZZ_CHECK(!m.error().message.empty());
    return;
  }
  FUZZ_CHECK(m->error.find('\n') == std::string::npos);
  auto again = imagegen::decode_result_message(imagegen::encode_result_message(*m));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->job_id == m->job_id && again->status == m->status);
  FUZZ_CHECK(again->charged == m->charged && again->balance == m->balance);
  FUZZ_CHECK(again->error == m->error && again->results == m->results);
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
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  result_message(in);
  job_fields(in);
  return 0;
}
