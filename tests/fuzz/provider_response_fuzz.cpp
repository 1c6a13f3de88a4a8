// Every registered provider family's response parsers, found through the registry so a family
// added to worker/providers/registry.cpp is fuzzed with no change here. Input:
//   <family> <status> [<stage>]\n  family name, or any token (its bytes pick a family); stage
//                                 of a follow-up answer (default "poll")
//   <header>: <value>\n ...         lower-cased names, as HttpClient delivers them
//   \n
//   <body>
// A follow-up answered by parse_response is fed back through build_follow_up/parse_follow_up
// with the same response, as the caller would do.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_check.h"
#include "worker/providers/registry.h"

namespace imagegen::worker {
namespace {

const ProviderRegistry& registry() {
  static const ProviderRegistry reg = ProviderRegistry::from_env(
      [](std::string_view) -> std::optional<std::string> { return "fuzz"; });
  return reg;
}

std::string_view next_line(std::string_view& in) {
  auto nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  return line;
}

const ProviderEntry& pick_family(std::string_view token) {
  const auto names = registry().families();
  FUZZ_CHECK(!names.empty());
  for (const auto& n : names) {
    if (n == token) return *registry().find(n);
  }
  unsigned sum = 0;
  for (unsigned char c : token) sum += c;
  return *registry().find(names[sum % names.size()]);
}

void check(const ProviderParse& p, int depth, const ProviderEntry& entry, const HttpResponse& r);

void check_error(const ProviderEntry& entry, const ProviderError& e) {
  // Messages go to logs and job records: bounded and free of raw control characters.
  bool clean = e.message.size() <= 4096;
  for (unsigned char c : e.message)
    clean = clean && c >= 0x20;  // clip_message lets DEL (0x7f) through
  if (!clean) {
    std::fprintf(stderr, "family %.*s, kind %.*s, message (%zu bytes): ",
                 static_cast<int>(entry.family->name().size()), entry.family->name().data(),
                 static_cast<int>(provider_error_kind_name(e.kind).size()),
                 provider_error_kind_name(e.kind).data(), e.message.size());
    for (unsigned char c : e.message.substr(0, 300))
      std::fprintf(stderr, c < 0x20 || c == 0x7f ? "\\x%02x" : "%c", c);
    std::fprintf(stderr, "\n");
  }
  FUZZ_CHECK(clean);
  if (e.retry_after) FUZZ_CHECK(e.retry_after->count() >= 0);
}

void check(const ProviderParse& p, int depth, const ProviderEntry& entry, const HttpResponse& r) {
  if (const auto* e = std::get_if<ProviderError>(&p)) return check_error(entry, *e);
  if (const auto* images = std::get_if<ProviderImages>(&p)) {
    FUZZ_CHECK(!images->images.empty() || !images->urls.empty());
    for (const auto& url : images->urls) FUZZ_CHECK(!url.empty());
    return;
  }
  const auto& follow = std::get<ProviderFollowUp>(p);
  FUZZ_CHECK(!follow.delay || follow.delay->count() >= 0);
  HttpRequest req = entry.family->build_follow_up(follow, entry.endpoint);
  FUZZ_CHECK(!req.url.empty());
  if (depth < 3) check(entry.family->parse_follow_up(r, follow), depth + 1, entry, r);
}

}  // namespace
}  // namespace imagegen::worker

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace imagegen::worker;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view first = next_line(in);
  auto sp = first.find(' ');
  const ProviderEntry& entry = pick_family(first.substr(0, sp));
  HttpResponse r;
  r.status = 200;
  if (sp != std::string_view::npos) {
    int status = 0;
    for (char c : first.substr(sp + 1, 3))
      status = c >= '0' && c <= '9' ? status * 10 + (c - '0') : status;
    r.status = status;
  }
  while (!in.empty()) {
    std::string_view line = next_line(in);
    if (line.empty()) break;
    auto colon = line.find(':');
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(in);
  check(entry.family->parse_response(r), 0, entry, r);
  // The same bytes as the answer to a follow-up. Stage names come from the families themselves
  // (never from upstream), so only plausible ones are tried.
  std::string stage;
  if (sp != std::string_view::npos) {
    auto sp2 = first.find(' ', sp + 1);
    if (sp2 != std::string_view::npos) {
      for (char c : first.substr(sp2 + 1)) {
        if ((c >= 'a' && c <= 'z') || c == '_' || c == '-') stage += c;
      }
    }
  }
  ProviderFollowUp follow{"http://fuzz/follow", stage.empty() ? "poll" : stage, std::nullopt};
  check(entry.family->parse_follow_up(r, follow), 3, entry, r);
  return 0;
}
