#include "admin/iso_time.h"

#include <charconv>
#include <cstdio>

#include "common/civil_date.h"

namespace imagegen::admin {

namespace {
unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`; advances pos.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  pos += n;
  return v;
}

bool take(std::string_view s, std::size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}
}  // namespace

std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  std::size_t pos = 0;
  auto year = digits(s, pos, 4);
  if (!year || !take(s, pos, '-')) return std::nullopt;
  auto month = digits(s, pos, 2);
  if (!month || !take(s, pos, '-')) return std::nullopt;
  auto day = digits(s, pos, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 ||
      static_cast<unsigned>(*day) > days_in_month(*year, static_cast<unsigned>(*month))) {
    return std::nullopt;
  }
  std::int64_t ms =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day)) *
      86'400'000;
  if (pos == s.size()) return ms;
  if (!take(s, pos, 'T') && !take(s, pos, ' ')) return std::nullopt;
  auto hour = digits(s, pos, 2);
  if (!hour || !take(s, pos, ':')) return std::nullopt;
  auto minute = digits(s, pos, 2);
  if (!minute || *hour > 23 || *minute > 59) return std::nullopt;
  int second = 0, millis = 0;
  if (take(s, pos, ':')) {
    auto sec = digits(s, pos, 2);
    if (!sec || *sec > 59) return std::nullopt;
    second = *sec;
    if (take(s, pos, '.') || take(s, pos, ',')) {
      std::size_t n = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (n < 3) millis = millis * 10 + (s[pos] - '0');
        ++n;
        ++pos;
      }
      if (n == 0) return std::nullopt;
      for (; n < 3; ++n) millis *= 10;
    }
  }
  ms += ((*hour * 60 + *minute) * 60 + second) * 1000LL + millis;
  if (pos == s.size()) return ms;
  if (take(s, pos, 'Z')) {
    if (pos != s.size()) return std::nullopt;
    return ms;
  }
  const char sign = s[pos];
  if (sign != '+' && sign != '-') return std::nullopt;
  ++pos;
  auto zh = digits(s, pos, 2);
  if (!zh) return std::nullopt;
  take(s, pos, ':');
  auto zm = digits(s, pos, 2);
  if (!zm || *zh > 23 || *zm > 59 || pos != s.size()) return std::nullopt;
  // 12:00+02:00 is 10:00Z: subtract the offset.
  const std::int64_t offset = (*zh * 60 + *zm) * 60'000LL;
  return sign == '+' ? ms - offset : ms + offset;
}

std::string format_iso8601_ms(std::int64_t ms) {
  std::int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  std::int64_t rest = ms - days * 86'400'000;
  const CivilDate date = civil_from_days(days);
  // rest is in [0, 86'400'000): every field below fits its width.
  const auto r = static_cast<unsigned>(rest);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ",
                static_cast<long long>(date.year), date.month, date.day, r / 3'600'000u,
                r / 60'000u % 60u, r / 1000u % 60u, r % 1000u);
  return buf;
}

std::optional<std::int64_t> stream_id_ms(std::string_view id) {
  const auto dash = id.find('-');
  const std::string_view head = id.substr(0, dash);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(head.data(), head.data() + head.size(), v);
  if (ec != std::errc() || end != head.data() + head.size() || head.empty()) return std::nullopt;
  return v;
}

}  // namespace imagegen::admin
