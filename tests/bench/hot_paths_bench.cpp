// Micro-benchmarks of the api's per-request pure work. Run: build/bin/micro_benchmarks
// (scripts/bench runs them after the end-to-end numbers).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "api/auth.h"
#include "api/request_validation.h"
#include "api/responses.h"
#include "common/base64.h"
#include "common/crypto.h"
#include "common/job_codec.h"
#include "common/protocol/completion.h"

namespace imagegen {
namespace {

const Catalog& catalog() {
  static Catalog c = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  return c;
}

// One delivered image's payload: the worker decodes every image a provider returns as base64.
void BM_Base64DecodeImage(benchmark::State& state) {
  std::string raw(static_cast<std::size_t>(state.range(0)), '\0');
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<char>(i * 131 + (i >> 7));
  const std::string encoded = base64_encode(raw);
  for (auto _ : state) benchmark::DoNotOptimize(base64_decode(encoded));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(encoded.size()));
}
BENCHMARK(BM_Base64DecodeImage)->Arg(5200)->Arg(1 << 20);

void BM_ValidateRequest(benchmark::State& state) {
  std::string body =
      R"({"prompt":"A sunset over mountains, oil painting style","model":"gpt-image-1","aspectRatio":"16:9","count":2})";
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  for (auto _ : state)
    benchmark::DoNotOptimize(api::validate_generate_request(body, catalog(), {10000}));
}
BENCHMARK(BM_ValidateRequest);

void BM_AuthenticateApiKey(benchmark::State& state) {
  const std::string header = "Bearer " + crypto::new_api_key();
  for (auto _ : state) benchmark::DoNotOptimize(api::authenticate_header(header, "", 1800000000));
}
BENCHMARK(BM_AuthenticateApiKey);

void BM_AuthenticateJwt(benchmark::State& state) {
  std::string input =
      base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
      base64url_encode(R"({"sub":"user-1","exp":4102444800,"role":"authenticated"})");
  const std::string header =
      "Bearer " + input + "." + base64url_encode(crypto::hmac_sha256("secret", input));
  for (auto _ : state)
    benchmark::DoNotOptimize(api::authenticate_header(header, "secret", 1800000000));
}
BENCHMARK(BM_AuthenticateJwt);

JobSpec bench_job() {
  JobSpec s;
  s.job_id = crypto::random_hex(12);
  s.user_id = "user-1";
  s.model = "gpt-image-1";
  s.prompt = "A sunset over mountains, oil painting style";
  s.aspect_ratio = "16:9";
  s.resolution = "1K";
  s.count = 2;
  s.cost_per_image = 12;
  s.reply_channel = "host-1-0";
  s.created_ms = 1764552225123;
  s.deadline_ms = 1764552345123;
  return s;
}

// The api, for every request: the spec ADMIT writes as one value.
void BM_EncodeJobSpec(benchmark::State& state) {
  const JobSpec s = bench_job();
  for (auto _ : state) benchmark::DoNotOptimize(encode_job_spec(s));
}
BENCHMARK(BM_EncodeJobSpec);

// A worker, for every job it takes: the stream entry ("user", "spec") back into a JobSpec.
void BM_DecodeJobSpecEntry(benchmark::State& state) {
  const JobSpec s = bench_job();
  const std::string spec = encode_job_spec(s);
  const FieldViews entry = {{"user", s.user_id}, {kJobSpecField, spec}};
  for (auto _ : state) benchmark::DoNotOptimize(decode_job_fields(entry));
}
BENCHMARK(BM_DecodeJobSpecEntry);

// The same job as flat fields (dead-letter entries, records from before the spec value).
void BM_DecodeJobFields(benchmark::State& state) {
  const JobSpec s = bench_job();
  const FieldList fields = encode_job_fields(s);
  FieldViews entry = {{"user", s.user_id}};
  for (const auto& [name, value] : fields) entry.emplace_back(name, value);
  for (auto _ : state) benchmark::DoNotOptimize(decode_job_fields(entry));
}
BENCHMARK(BM_DecodeJobFields);

void BM_DecodeCompletion(benchmark::State& state) {
  // As the SETTLE script publishes it.
  const std::string text =
      "j1\nsucceeded\n24\n976\n\n"
      R"(["u/generated/generated_j1_0.png","u/generated/generated_j1_1.png"])";
  for (auto _ : state) benchmark::DoNotOptimize(protocol::decode_completion(text));
}
BENCHMARK(BM_DecodeCompletion);

void BM_SuccessBody(benchmark::State& state) {
  api::SuccessBody b{"j1",
                     "gpt-image-1",
                     "openai",
                     "A sunset over mountains",
                     {"u/generated/generated_j1_0.png", "u/generated/generated_j1_1.png"},
                     24,
                     976,
                     0};
  for (auto _ : state) benchmark::DoNotOptimize(api::success(b));
}
BENCHMARK(BM_SuccessBody);

}  // namespace
}  // namespace imagegen
