#include "simulator/sim_options.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace imagegen::sim {
namespace {

// Sets one field from text; returns an error reason (without the flag name) or nothing.
using Setter = std::optional<std::string> (*)(std::string_view value, SimOptions& out);

struct OptionSpec {
  std::string_view flag;
  std::string_view value_name;  // for --help
  std::string_view env;
  std::string_view help;
  Setter set;
};

template <typename T>
std::optional<std::string> parse_integer(std::string_view text, T lo, T hi, T& out) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < lo ||
      value > hi) {
    return "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi) +
           ", got '" + std::string(text) + "'";
  }
  out = value;
  return std::nullopt;
}

std::optional<std::string> set_port(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint16_t>(v, 0, 65535, o.port);
}

std::optional<std::string> set_bind(std::string_view v, SimOptions& o) {
  const std::string text(v);
  unsigned char buffer[16];
  if (inet_pton(AF_INET, text.c_str(), buffer) != 1 &&
      inet_pton(AF_INET6, text.c_str(), buffer) != 1) {
    return "must be an IPv4 or IPv6 address, got '" + text + "'";
  }
  o.bind_address = text;
  return std::nullopt;
}

std::optional<std::string> set_latency(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint32_t>(v, 0, 3'600'000, o.latency_ms);
}

std::optional<std::string> parse_rate(std::string_view v, double& out) {
  double value = -1;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (v.empty() || ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(value) ||
      value < 0 || value > 1) {
    return "must be a number from 0 to 1, got '" + std::string(v) + "'";
  }
  out = value;
  return std::nullopt;
}

std::optional<std::string> set_fault_rate(std::string_view v, SimOptions& o) {
  return parse_rate(v, o.fault_rate);
}

std::optional<std::string> set_storage_fail_rate(std::string_view v, SimOptions& o) {
  return parse_rate(v, o.storage_fail_rate);
}

std::optional<std::string> set_poll_steps(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint32_t>(v, 0, 1000, o.poll_steps);
}

std::optional<std::string> set_max_tasks(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint32_t>(v, 1, 1'000'000, o.max_tasks_per_key);
}

std::optional<std::string> set_result_ttl(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint32_t>(v, 1, 86'400'000, o.result_ttl_ms);
}

std::optional<std::string> set_text(std::string_view v, std::string& out) {
  if (v.empty()) return std::string("must not be empty");
  out = std::string(v);
  return std::nullopt;
}

std::optional<std::string> set_kling_access(std::string_view v, SimOptions& o) {
  return set_text(v, o.kling_access_key);
}

std::optional<std::string> set_kling_secret(std::string_view v, SimOptions& o) {
  return set_text(v, o.kling_secret_key);
}

std::optional<std::string> set_seed(std::string_view v, SimOptions& o) {
  return parse_integer<std::uint64_t>(v, 0, UINT64_MAX, o.seed);
}

std::optional<std::string> set_threads(std::string_view v, SimOptions& o) {
  return parse_integer<unsigned>(v, 1, 64, o.threads);
}

constexpr std::array<OptionSpec, 12> kOptions{{
    {"--port", "P", "IMAGEGEN_SIM_PORT", "TCP port to listen on; 0 picks a free one (default 8090)",
     &set_port},
    {"--bind", "ADDR", "IMAGEGEN_SIM_BIND", "address to listen on (default 127.0.0.1)", &set_bind},
    {"--latency-ms", "MS", "IMAGEGEN_SIM_LATENCY_MS",
     "milliseconds added to every answer (default 0)", &set_latency},
    {"--fault-rate", "F", "IMAGEGEN_SIM_FAULT_RATE",
     "share of requests, 0..1, that answer 500 (default 0)", &set_fault_rate},
    {"--seed", "S", "IMAGEGEN_SIM_SEED", "seed of the --fault-rate draws (default 1)", &set_seed},
    {"--threads", "N", "IMAGEGEN_SIM_THREADS", "event-loop threads, 1..64 (default 1)",
     &set_threads},
    {"--poll-steps", "N", "IMAGEGEN_SIM_POLL_STEPS",
     "polls an async task answers \"not finished\" before it finishes, 0..1000 (default 2; runway "
     "at least 3)",
     &set_poll_steps},
    {"--max-tasks-per-key", "N", "IMAGEGEN_SIM_MAX_TASKS_PER_KEY",
     "bfl: unfinished tasks per x-key before submits answer 429 (default 24)", &set_max_tasks},
    {"--result-ttl-ms", "MS", "IMAGEGEN_SIM_RESULT_TTL_MS",
     "life of a /files/ result URL; then 403 (default 600000)", &set_result_ttl},
    {"--kling-access-key", "AK", "IMAGEGEN_SIM_KLING_ACCESS_KEY",
     "the `iss` Kling JWTs must carry (default sim-kling-access)", &set_kling_access},
    {"--kling-secret-key", "SK", "IMAGEGEN_SIM_KLING_SECRET_KEY",
     "the HS256 secret Kling JWTs must be signed with (default sim-kling-secret)",
     &set_kling_secret},
    {"--storage-fail-rate", "F", "IMAGEGEN_SIM_STORAGE_FAIL_RATE",
     "share of storage uploads, 0..1, that answer 503 (default 0)", &set_storage_fail_rate},
}};

const OptionSpec* find_flag(std::string_view flag) {
  for (const auto& spec : kOptions) {
    if (spec.flag == flag) return &spec;
  }
  return nullptr;
}

}  // namespace

Result<SimOptions> parse_sim_options(int argc, const char* const* argv, const EnvLookup& env) {
  SimOptions options;
  for (const auto& spec : kOptions) {
    const std::optional<std::string> value = env ? env(spec.env) : std::nullopt;
    if (!value || value->empty()) continue;
    if (auto reason = spec.set(*value, options)) {
      return make_error(Errc::kInvalidArgument, std::string(spec.env) + " " + *reason);
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      continue;
    }
    std::string_view value;
    bool has_value = false;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const OptionSpec* spec = find_flag(arg);
    if (!spec)
      return make_error(Errc::kInvalidArgument,
                        "unknown argument '" + std::string(argv[i]) + "' (see --help)");
    if (!has_value) {
      if (i + 1 >= argc)
        return make_error(Errc::kInvalidArgument, std::string(spec->flag) + " needs a value");
      value = argv[++i];
    }
    if (auto reason = spec->set(value, options)) {
      return make_error(Errc::kInvalidArgument, std::string(spec->flag) + " " + *reason);
    }
  }
  return options;
}

std::string sim_usage() {
  std::string text =
      "usage: imagegen-sim [flags]\n"
      "Simulates upstream image providers (gemini, openai, bfl, midjourney, runway, xai, "
      "byteplus,\n"
      "sourceful via OpenRouter, kling, dashscope) and Supabase Storage on one port, for tests and "
      "benchmarks.\n"
      "Prompt directives such as [sim:delay=MS] [sim:fail=CODE] [sim:fail=429,retry-after=S] "
      "[sim:hang]\n"
      "[sim:garbage] [sim:expired] [sim:moderated] [sim:moderated=output] [sim:thought] "
      "[sim:partial=K]\n"
      "[sim:kling=CODE] change one request; storage paths containing sim-fail-once fail their "
      "first upload.\n\n"
      "flags (each also read from the environment variable shown; the flag wins):\n";
  const auto column = [](std::string cell, std::size_t width) {
    cell.resize(std::max(cell.size() + 1, width), ' ');
    return cell;
  };
  for (const auto& spec : kOptions) {
    text += column("  " + std::string(spec.flag) + " " + std::string(spec.value_name), 24) +
            column(std::string(spec.env), 32) + std::string(spec.help) + "\n";
  }
  text += column("  --help", 24) + column("", 32) + "this text\n";
  return text;
}

}  // namespace imagegen::sim
