#include "common/log_format.h"

#include <algorithm>
#include <set>

#include "common/json_writer.h"

namespace imagegen {

namespace {

bool is_key_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && ((c >= '0' && c <= '9') || c == '.'));
}

// The key of a `key=` token starting at `at`, or 0 when there is none.
std::size_t key_length(std::string_view s, std::size_t at) {
  std::size_t n = 0;
  while (at + n < s.size() && is_key_char(s[at + n], n == 0)) ++n;
  return n > 0 && at + n < s.size() && s[at + n] == '=' ? n : 0;
}

// Where a token starting at `at` ends: the next space, or for a value starting with '"' the
// first '"' that is followed by a space or the end (quoted values may hold spaces and quotes).
std::size_t token_end(std::string_view s, std::size_t at, bool quoted) {
  if (quoted) {
    for (std::size_t i = at + 1; i < s.size(); ++i) {
      if (s[i] == '"' && (i + 1 == s.size() || s[i + 1] == ' ')) return i + 1;
    }
  }
  const std::size_t space = s.find(' ', at);
  return space == std::string_view::npos ? s.size() : space;
}

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool valid_sequence(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[at + i]); };
  for (std::size_t i = 1; i < n; ++i) {
    if ((b(i) & 0xC0) != 0x80) return false;
  }
  // Overlong forms, surrogates and code points past U+10FFFF.
  if (n == 3 && b(0) == 0xE0 && b(1) < 0xA0) return false;
  if (n == 3 && b(0) == 0xED && b(1) >= 0xA0) return false;
  if (n == 4 && b(0) == 0xF0 && b(1) < 0x90) return false;
  if (n == 4 && b(0) == 0xF4 && b(1) >= 0x90) return false;
  return true;
}

}  // namespace

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(static_cast<unsigned char>(s[i]));
    if (n > 0 && valid_sequence(s, i, n)) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

LogFields split_log_fields(std::string_view s) {
  LogFields out;
  std::set<std::string, std::less<>> taken = {"ts", "level", "component", "msg"};
  std::size_t at = 0;
  while (at < s.size()) {
    if (s[at] == ' ') {
      ++at;
      continue;
    }
    const std::size_t key = key_length(s, at);
    const std::size_t value_at = at + key + 1;
    const bool quoted = key > 0 && value_at < s.size() && s[value_at] == '"';
    const std::size_t end = token_end(s, quoted ? value_at : at, quoted);
    const std::string_view token = s.substr(at, end - at);
    std::string_view name = s.substr(at, key);
    if (key > 0 && taken.insert(std::string(name)).second) {
      std::string_view value = s.substr(value_at, end - value_at);
      if (quoted && value.size() >= 2 && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      out.fields.emplace_back(std::string(name), std::string(value));
    } else {
      if (!out.msg.empty()) out.msg.push_back(' ');
      out.msg.append(token);
    }
    at = end;
  }
  return out;
}

std::string json_log_line(std::string_view ts, std::string_view level, std::string_view component,
                          std::string_view message) {
  const LogFields parsed = split_log_fields(valid_utf8(message));
  JsonWriter w;
  w.begin_object()
      .field("ts", ts)
      .field("level", level)
      .field("component", component)
      .field("msg", parsed.msg);
  for (const auto& [k, v] : parsed.fields) w.field(k, v);
  w.end_object();
  return w.take();
}

}  // namespace imagegen
