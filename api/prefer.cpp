#include "api/prefer.h"

#include <charconv>

#include "api/routes/http_cache.h"

namespace imagegen::api {

namespace {
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}
}  // namespace

std::string Preferences::applied() const {
  std::string out;
  if (respond_async) out = "respond-async";
  if (wait_s) {
    if (!out.empty()) out += ", ";
    out += "wait=" + std::to_string(*wait_s);
  }
  return out;
}

Preferences parse_prefer(std::string_view header) {
  Preferences p;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view item = trim_ows(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    item = trim_ows(item.substr(0, item.find(';')));  // parameters of a preference are ignored
    auto eq = item.find('=');
    std::string_view name = trim_ows(item.substr(0, eq));
    std::string_view value = eq == std::string_view::npos ? "" : trim_ows(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (iequals(name, "respond-async")) {
      p.respond_async = true;
    } else if (iequals(name, "wait")) {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && end == value.data() + value.size() && n >= 0) {
        p.wait_s = std::min<std::int64_t>(n, 24 * 3600);
      }
    }
  }
  return p;
}

}  // namespace imagegen::api
