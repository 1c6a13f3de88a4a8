#pragma once
// Prompt directives: `[sim:NAME]` or `[sim:NAME=VALUE,NAME=VALUE,...]` anywhere in a prompt ask the
// simulator to misbehave for that one request. Several may appear; for a repeated one the last
// wins. Unknown names and malformed values are ignored, so a prompt never fails because of them.
//
//   delay=MS              answer after MS milliseconds (0..3,600,000)
//   fail=CODE             answer HTTP CODE (400..599) in the family's error envelope, every time
//   retry-after=S         with fail: also send `Retry-After: S` (0..86,400)
//   hang                  accept the request and never answer
//   garbage               200 in the right shape, but the image bytes are not an image
//   moderated[=prompt]    the family's "prompt refused by the safety system" answer
//   moderated=output      the family's "generated image blocked" answer
//   thought               (gemini) an interim thought image part precedes the real one
//   partial=K             only K images in total are ever delivered for this prompt text
//   expired               (URL-delivering families) the result URL answers 403 from the start
//   kling=CODE            (kling) answer Kling business code CODE (1000..5999) with its HTTP status
#include <cstdint>
#include <optional>
#include <string_view>

namespace imagegen::sim {

enum class Moderation { kNone, kPrompt, kOutput };

struct Directives {
  std::optional<std::uint32_t> delay_ms;
  std::optional<int> fail_status;
  std::optional<std::uint32_t> retry_after_s;
  bool hang = false;
  bool garbage = false;
  bool thought = false;
  Moderation moderated = Moderation::kNone;
  std::optional<std::uint32_t> partial_limit;
  bool expired = false;
  std::optional<int> kling_code;

  bool operator==(const Directives&) const = default;
};

Directives parse_directives(std::string_view prompt);

}  // namespace imagegen::sim
