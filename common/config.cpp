#include "common/config.h"

#include <charconv>
#include <cstdlib>
#include <sstream>

#include "common/int_options.h"

namespace imagegen {

Options::Options(std::string program, std::string summary)
    : program_(std::move(program)), summary_(std::move(summary)) {}

void Options::add(OptionSpec spec) {
  values_[spec.env] = spec.default_value;
  specs_.push_back(std::move(spec));
}

std::string Options::flag_for(std::string_view env) {
  constexpr std::string_view kPrefix = "IMAGEGEN_";
  if (env.substr(0, kPrefix.size()) == kPrefix) env.remove_prefix(kPrefix.size());
  std::string flag = "--";
  for (char c : env) flag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return flag;
}

Result<Options::Parsed> Options::parse(int argc, const char* const* argv, const EnvLookup& env) {
  for (const auto& spec : specs_) {
    if (auto v = env(spec.env)) values_[spec.env] = std::move(*v);
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") return Parsed::kHelp;
    std::string_view name = arg;
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
      has_value = true;
    }
    const OptionSpec* match = nullptr;
    for (const auto& spec : specs_) {
      if (flag_for(spec.env) == name) match = &spec;
    }
    if (match == nullptr) {
      return make_error(Errc::kInvalidArgument,
                        "unknown option " + std::string(name) + " (see --help)");
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        return make_error(Errc::kInvalidArgument, "option " + std::string(name) + " needs a value");
      }
      value = argv[++i];
    }
    values_[match->env] = value;
  }
  return Parsed::kRun;
}

std::string Options::help_text() const {
  std::ostringstream out;
  out << "Usage: " << program_ << " [options]\n"
      << summary_ << "\n\n"
      << "Every option can be given as an environment variable or as a flag (flags win).\n\n";
  for (const auto& spec : specs_) {
    out << "  " << flag_for(spec.env) << " / " << spec.env << "\n      " << spec.help;
    if (!spec.default_value.empty()) out << " (default: " << spec.default_value << ")";
    out << "\n";
  }
  out << "  --help\n      Print this help and exit.\n";
  return out.str();
}

const std::string& Options::get(std::string_view env) const {
  static const std::string kEmpty;
  auto it = values_.find(env);
  return it == values_.end() ? kEmpty : it->second;
}

std::string Options::default_of(std::string_view env) const {
  for (const auto& spec : specs_) {
    if (spec.env == env) return spec.default_value;
  }
  return {};
}

Result<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return make_error(Errc::kInvalidArgument, "'" + std::string(text) + "' is not a whole number");
  }
  if (v < min || v > max) {
    return make_error(Errc::kInvalidArgument, std::to_string(v) + " is outside " +
                                                  std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

Result<std::int64_t> Options::get_int(std::string_view env, std::int64_t min,
                                      std::int64_t max) const {
  auto r = parse_int(get(env), min, max);
  if (!r) return make_error(Errc::kInvalidArgument, std::string(env) + ": " + r.error().message);
  return r;
}

Result<Ok> get_ints(const Options& options, std::initializer_list<IntOption> table) {
  for (const auto& option : table) {
    auto v = options.get_int(option.env, option.min, option.max);
    if (!v) return v.error();
    *option.out = *v;
  }
  return Ok{};
}

Result<double> Options::get_double(std::string_view env, double min, double max) const {
  const std::string& text = get(env);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= min && v <= max)) {
    return make_error(Errc::kInvalidArgument, std::string(env) + ": '" + text +
                                                  "' is not a number in " + std::to_string(min) +
                                                  ".." + std::to_string(max));
  }
  return v;
}

}  // namespace imagegen
