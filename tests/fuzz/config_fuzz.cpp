// Options::parse + get_int/get_double on fuzzed environment and argv, then the real api option
// set (load_api_config). Input: lines; those before the first empty line are the environment
// (NAME=VALUE), those after it are argv[1..].
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_config.h"
#include "common/config.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

struct Input {
  std::map<std::string, std::string> env;
  std::vector<std::string> args;
};

Input split(std::string_view in) {
  Input out;
  bool in_env = true;
  while (!in.empty()) {
    auto nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (in_env && line.empty()) {
      in_env = false;
    } else if (in_env) {
      auto eq = line.find('=');
      if (eq != std::string_view::npos)
        out.env[std::string(line.substr(0, eq))] = line.substr(eq + 1);
    } else {
      out.args.emplace_back(line);
    }
  }
  return out;
}

struct IntOption {
  const char* env;
  std::int64_t min, max;
};
constexpr IntOption kInts[] = {
    {"IMAGEGEN_API_PORT", 1, 65535},
    {"IMAGEGEN_WAIT_TIMEOUT_MS", 1, 3600000},
    {"IMAGEGEN_RATE_LIMIT_PER_MIN", 0, 1000000000},
    {"IMAGEGEN_SIGNED", INT64_MIN, INT64_MAX},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in = split(std::string_view(reinterpret_cast<const char*>(data), size));
  imagegen::EnvLookup env = [&in](std::string_view name) -> std::optional<std::string> {
    auto it = in.env.find(std::string(name));
    if (it == in.env.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  std::vector<const char*> argv = {"fuzz"};
  for (const auto& a : in.args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(argv.size() - 1);

  imagegen::Options o("fuzz", "fuzzed options");
  for (const auto& i : kInts) o.add({i.env, "1", "an integer"});
  o.add({"IMAGEGEN_RATIO", "0.5", "a fraction"});
  o.add({"IMAGEGEN_REDIS_URL", "redis://127.0.0.1:6379/0", "a string"});
  o.add({"OPENAI_API_KEY", "", "a secret", true});
  auto parsed = o.parse(argc, argv.data(), env);
  if (parsed && *parsed == imagegen::Options::Parsed::kRun) {
    for (const auto& i : kInts) {
      auto v = o.get_int(i.env, i.min, i.max);
      if (v)
        FUZZ_CHECK(*v >= i.min && *v <= i.max);
      else
        FUZZ_CHECK(!v.error().message.empty());
    }
    auto d = o.get_double("IMAGEGEN_RATIO", 0.0, 1.0);
    if (d) FUZZ_CHECK(*d >= 0.0 && *d <= 1.0);
    (void)o.get("IMAGEGEN_REDIS_URL");
  } else if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty());
  }
  (void)o.help_text();

  // The api's real option set: whatever it accepts is within its documented ranges.
  auto api = imagegen::api::load_api_config(argc, argv.data(), env);
  if (api && !api->help) {
    FUZZ_CHECK(api->config.port >= 1);
    FUZZ_CHECK(api->config.threads >= 1 && api->config.threads <= 256);
    FUZZ_CHECK(api->config.wait_timeout_ms >= 1);
  }
  return 0;
}
