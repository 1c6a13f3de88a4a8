#include "common/redis/redis_url.h"

#include <charconv>
#include <limits>

namespace imagegen::redis {
namespace {

constexpr std::string_view kTcpScheme = "redis://";
constexpr std::string_view kUnixScheme = "unix://";
// Redis itself caps `databases` far below this; the bound only keeps the number sane.
constexpr int kMaxDb = 1 << 20;

Error bad_url(std::string reason) {
  return make_error(Errc::kInvalidArgument, "invalid Redis URL: " + std::move(reason));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Passwords often hold ':', '@' or '/', which a URL can only carry %-encoded.
Result<std::string> percent_decode(std::string_view in, std::string_view what) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
    int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) return bad_url("bad %-escape in " + std::string(what));
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool parse_uint(std::string_view text, long max, long& out) {
  if (text.empty() || text.size() > 10) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && out >= 0 && out <= max;
}

Result<int> parse_db(std::string_view text) {
  long db = 0;
  if (!parse_uint(text, kMaxDb, db)) {
    return bad_url("db must be a non-negative integer, got '" + std::string(text) + "'");
  }
  return static_cast<int>(db);
}

// "[user]:password" (the user may be empty). A bare word is refused: clients disagree on
// whether it is a user or a password, so we make the operator say which.
Result<Ok> parse_userinfo(std::string_view info, RedisUrl& url) {
  auto colon = info.find(':');
  if (colon == std::string_view::npos) {
    return bad_url("credentials must be written [user]:password@");
  }
  auto user = percent_decode(info.substr(0, colon), "user");
  if (!user) return user.error();
  auto password = percent_decode(info.substr(colon + 1), "password");
  if (!password) return password.error();
  url.username = std::move(*user);
  url.password = std::move(*password);
  return Ok{};
}

Result<Ok> parse_host_port(std::string_view hp, RedisUrl& url) {
  std::string_view port_text;
  if (!hp.empty() && hp.front() == '[') {  // IPv6 literal: [::1]:6379
    auto close = hp.find(']');
    if (close == std::string_view::npos) return bad_url("unterminated '[' in host");
    url.host = std::string(hp.substr(1, close - 1));
    auto after = hp.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url("unexpected text after ']' in host");
      port_text = after.substr(1);
      if (port_text.empty()) return bad_url("empty port");
    }
  } else {
    auto colon = hp.rfind(':');
    url.host = std::string(hp.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = hp.substr(colon + 1);
      if (port_text.empty()) return bad_url("empty port");
    }
  }
  if (url.host.empty()) return bad_url("missing host");
  if (!port_text.empty()) {
    long port = 0;
    if (!parse_uint(port_text, std::numeric_limits<std::uint16_t>::max(), port) || port == 0) {
      return bad_url("port must be 1-65535, got '" + std::string(port_text) + "'");
    }
    url.port = static_cast<std::uint16_t>(port);
  }
  return Ok{};
}

Result<RedisUrl> parse_tcp(std::string_view rest) {
  RedisUrl url;
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return bad_url("redis:// URLs take no query or fragment");
  }
  auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);

  auto at = authority.rfind('@');
  if (at != std::string_view::npos) {
    if (auto r = parse_userinfo(authority.substr(0, at), url); !r) return r.error();
    authority = authority.substr(at + 1);
  }
  if (auto r = parse_host_port(authority, url); !r) return r.error();
  if (!path.empty()) {
    auto db = parse_db(path);
    if (!db) return db.error();
    url.db = *db;
  }
  return url;
}

Result<Ok> parse_unix_query(std::string_view query, RedisUrl& url) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    if (key == "db") {
      auto db = parse_db(value);
      if (!db) return db.error();
      url.db = *db;
    } else if (key == "password") {
      auto password = percent_decode(value, "password");
      if (!password) return password.error();
      url.password = std::move(*password);
    } else {
      return bad_url("unknown parameter '" + std::string(key) + "' (expected db or password)");
    }
  }
  return Ok{};
}

Result<RedisUrl> parse_unix(std::string_view rest) {
  RedisUrl url;
  auto q = rest.find('?');
  std::string_view path = rest.substr(0, q);
  if (path.empty() || path.front() != '/') {
    return bad_url("unix:// needs an absolute socket path, e.g. unix:///run/redis.sock");
  }
  url.socket_path = std::string(path);
  if (q != std::string_view::npos) {
    if (auto r = parse_unix_query(rest.substr(q + 1), url); !r) return r.error();
  }
  return url;
}

}  // namespace

Result<RedisUrl> parse_redis_url(std::string_view text) {
  if (text.starts_with(kTcpScheme)) return parse_tcp(text.substr(kTcpScheme.size()));
  if (text.starts_with(kUnixScheme)) return parse_unix(text.substr(kUnixScheme.size()));
  if (text.starts_with("rediss://")) return bad_url("rediss:// (TLS) is not supported");
  return bad_url("expected redis://host:port[/db] or unix:///path.sock");
}

std::string describe(const RedisUrl& url) {
  std::string db = "/" + std::to_string(url.db);
  if (url.is_unix()) return "unix:" + url.socket_path + db;
  bool v6 = url.host.find(':') != std::string::npos;
  std::string host = v6 ? "[" + url.host + "]" : url.host;
  return host + ":" + std::to_string(url.port) + db;
}

}  // namespace imagegen::redis
