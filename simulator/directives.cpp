#include "simulator/directives.h"

#include <charconv>

namespace imagegen::sim {
namespace {

constexpr std::string_view kOpen = "[sim:";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A decimal integer in [lo, hi] with nothing else around it; nullopt otherwise.
std::optional<std::uint32_t> parse_bounded(std::string_view text, std::uint32_t lo,
                                           std::uint32_t hi) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (value < lo || value > hi) return std::nullopt;
  return value;
}

void apply_item(std::string_view item, Directives& out) {
  const auto eq = item.find('=');
  const std::string_view name = trim(item.substr(0, eq));
  const std::string_view value =
      eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));

  if (name == "delay") {
    if (auto v = parse_bounded(value, 0, 3'600'000)) out.delay_ms = v;
  } else if (name == "fail") {
    if (auto v = parse_bounded(value, 400, 599)) out.fail_status = static_cast<int>(*v);
  } else if (name == "retry-after") {
    if (auto v = parse_bounded(value, 0, 86'400)) out.retry_after_s = v;
  } else if (name == "partial") {
    if (auto v = parse_bounded(value, 0, 1'000'000)) out.partial_limit = v;
  } else if (name == "kling") {
    if (auto v = parse_bounded(value, 1000, 5999)) out.kling_code = static_cast<int>(*v);
  } else if (name == "expired") {
    out.expired = true;
  } else if (name == "hang") {
    out.hang = true;
  } else if (name == "garbage") {
    out.garbage = true;
  } else if (name == "thought") {
    out.thought = true;
  } else if (name == "moderated") {
    out.moderated = value == "output" ? Moderation::kOutput : Moderation::kPrompt;
  }
}

}  // namespace

Directives parse_directives(std::string_view prompt) {
  Directives out;
  for (auto start = prompt.find(kOpen); start != std::string_view::npos;
       start = prompt.find(kOpen)) {
    prompt.remove_prefix(start + kOpen.size());
    const auto close = prompt.find_first_of("[]");
    if (close == std::string_view::npos) break;  // unterminated: not a directive
    if (prompt[close] == '[') continue;          // "[sim:x [sim:y]": only the inner one counts
    std::string_view items = prompt.substr(0, close);
    prompt.remove_prefix(close + 1);
    while (true) {
      const auto comma = items.find(',');
      apply_item(items.substr(0, comma), out);
      if (comma == std::string_view::npos) break;
      items.remove_prefix(comma + 1);
    }
  }
  return out;
}

}  // namespace imagegen::sim
