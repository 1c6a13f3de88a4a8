#pragma once
// The Prefer request header (RFC 7240) as far as this api honours it: `respond-async` and
// `wait=N` (seconds). Unknown preferences are ignored, as the RFC asks. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imagegen::api {

struct Preferences {
  bool respond_async = false;
  std::optional<std::int64_t> wait_s;  // wait=N; absent when not given or not a number

  // Neither preference: the seed's synchronous contract (504 and refund past the wait bound).
  bool synchronous() const { return !respond_async && !wait_s; }
  // The Preference-Applied value for an answer given under these preferences.
  std::string applied() const;
};

Preferences parse_prefer(std::string_view header);

}  // namespace imagegen::api
