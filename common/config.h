#pragma once
// Configuration from IMAGEGEN_* environment variables and flags of the same meaning.
// A flag is the variable's name without the IMAGEGEN_ prefix, lower-cased, '_' -> '-':
// IMAGEGEN_API_PORT=9000 and --api-port=9000 (or --api-port 9000) mean the same; flags win.
// Unknown flags and invalid values refuse to start with a one-line reason.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/result.h"

namespace imagegen {

struct OptionSpec {
  std::string env;            // IMAGEGEN_API_PORT, or a provider variable such as OPENAI_API_KEY
  std::string default_value;  // shown in --help
  std::string help;
  bool secret = false;  // never echoed back
};

class Options {
 public:
  Options(std::string program, std::string summary);

  void add(OptionSpec spec);
  // Flag name for an env name: IMAGEGEN_API_PORT -> --api-port, OPENAI_API_KEY -> --openai-api-key.
  static std::string flag_for(std::string_view env);

  enum class Parsed { kRun, kHelp };
  // Reads env first, then argv. Returns kHelp when --help/-h was given.
  Result<Parsed> parse(int argc, const char* const* argv, const EnvLookup& env);
  std::string help_text() const;

  const std::string& get(std::string_view env) const;
  std::string default_of(std::string_view env) const;
  Result<std::int64_t> get_int(std::string_view env, std::int64_t min, std::int64_t max) const;
  Result<double> get_double(std::string_view env, double min, double max) const;

 private:
  std::string program_;
  std::string summary_;
  std::vector<OptionSpec> specs_;
  std::map<std::string, std::string, std::less<>> values_;
};

// Parses a whole number; rejects signs where not allowed, junk and overflow.
Result<std::int64_t> parse_int(std::string_view text, std::int64_t min, std::int64_t max);

}  // namespace imagegen
