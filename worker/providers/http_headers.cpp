#include "worker/providers/http_headers.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace imagegen::worker {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Whole string must be decimal digits.
std::optional<std::int64_t> parse_uint(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

int month_index(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  }
  return 0;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

std::optional<std::int64_t> to_epoch(std::int64_t year, int month, std::string_view day,
                                     std::string_view hms) {
  auto d = parse_uint(day);
  if (!d || *d < 1 || *d > 31 || month == 0 || hms.size() != 8 || hms[2] != ':' || hms[5] != ':') {
    return std::nullopt;
  }
  auto h = parse_uint(hms.substr(0, 2));
  auto mi = parse_uint(hms.substr(3, 2));
  auto s = parse_uint(hms.substr(6, 2));
  if (!h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(*d)) * 86400 +
         *h * 3600 + *mi * 60 + *s;
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view v) {
  v = trim(v);
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (v.size() == 29 && v[3] == ',' && v.substr(25) == " GMT") {
    auto year = parse_uint(v.substr(12, 4));
    if (!year) return std::nullopt;
    return to_epoch(*year, month_index(v.substr(8, 3)), v.substr(5, 2), v.substr(17, 8));
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit year: 70-99 -> 19xx, else 20xx)
  if (const auto comma = v.find(", "); comma != std::string_view::npos && v.ends_with(" GMT")) {
    const std::string_view rest = v.substr(comma + 2);
    if (rest.size() == 22 && rest[2] == '-' && rest[6] == '-') {
      auto yy = parse_uint(rest.substr(7, 2));
      if (!yy) return std::nullopt;
      return to_epoch(*yy >= 70 ? 1900 + *yy : 2000 + *yy, month_index(rest.substr(3, 3)),
                      rest.substr(0, 2), rest.substr(10, 8));
    }
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (v.size() == 24 && v[3] == ' ' && v[7] == ' ') {
    auto year = parse_uint(v.substr(20, 4));
    if (!year) return std::nullopt;
    const std::string_view day = trim(v.substr(8, 2));
    return to_epoch(*year, month_index(v.substr(4, 3)), day, v.substr(11, 8));
  }
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (auto secs = parse_uint(value)) return std::chrono::seconds(*secs);
  auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  const auto delta = std::chrono::seconds(*when) - now_s;
  return delta.count() > 0 ? std::chrono::duration_cast<std::chrono::milliseconds>(delta)
                           : std::chrono::milliseconds(0);
}

std::optional<std::chrono::milliseconds> retry_after_from(
    const HttpResponse& response, std::chrono::system_clock::time_point now) {
  if (const std::string* ms = response.header("retry-after-ms")) {
    if (auto v = parse_uint(trim(*ms))) return std::chrono::milliseconds(*v);
  }
  if (const std::string* ra = response.header("retry-after")) return parse_retry_after(*ra, now);
  return std::nullopt;
}

}  // namespace imagegen::worker
