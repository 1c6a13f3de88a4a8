#pragma once
// The one way configuration reads the environment, so tests can hand in a map instead.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen {

// The value of an environment variable, or nullopt when it is unset. Empty counts as unset
// everywhere, so `FOO= cmd` means "use the default", as a shell user expects.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv) as an EnvLookup.
std::optional<std::string> process_env(std::string_view name);

}  // namespace imagegen
