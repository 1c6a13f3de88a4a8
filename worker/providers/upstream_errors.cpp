#include "worker/providers/upstream_errors.h"

#include <algorithm>

namespace imagegen::worker {

ProviderErrorKind kind_for_status(int status) {
  if (status == 401 || status == 403) return ProviderErrorKind::kAuth;
  if (status == 408) return ProviderErrorKind::kTimeout;
  if (status == 429) return ProviderErrorKind::kRateLimited;
  if (status >= 500 && status <= 599) return ProviderErrorKind::kTransient;
  if (status >= 400 && status <= 499) return ProviderErrorKind::kBadRequest;
  return ProviderErrorKind::kMalformed;
}

namespace {

bool key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '*' || c == '.';
}

}  // namespace

std::string redact_keys(std::string_view message) {
  // OpenAI echoes a masked key ("Incorrect API key provided: sk-proj-****abcd"); Google keys
  // start with "AIza". Even masked fragments stay out of logs.
  static constexpr std::string_view kPrefixes[] = {"sk-", "AIza"};
  std::string out;
  out.reserve(message.size());
  std::size_t i = 0;
  while (i < message.size()) {
    bool redacted = false;
    if (i == 0 || !key_char(message[i - 1])) {
      for (std::string_view p : kPrefixes) {
        if (message.substr(i).starts_with(p)) {
          std::size_t end = i + p.size();
          while (end < message.size() && key_char(message[end])) ++end;
          while (end > i + p.size() && message[end - 1] == '.') --end;  // sentence full stop
          out += "[redacted]";
          i = end;
          redacted = true;
          break;
        }
      }
    }
    if (!redacted) out += message[i++];
  }
  return out;
}

std::string clip_message(std::string_view raw, std::size_t max) {
  const std::string message = redact_keys(raw);
  std::string out;
  out.reserve(std::min(message.size(), max));
  for (char c : message) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

ProviderError make_provider_error(ProviderErrorKind kind, int status, std::string_view message) {
  return ProviderError{kind, status, clip_message(message), std::nullopt};
}

}  // namespace imagegen::worker
