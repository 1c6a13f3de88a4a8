#include "common/webhook_target.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

namespace imagegen {

namespace {
bool forbidden_v4(const std::uint8_t* a) {
  if (a[0] == 0 || a[0] == 10 || a[0] == 127) return true;
  if (a[0] == 100 && (a[1] & 0xC0) == 64) return true;  // carrier-grade NAT
  if (a[0] == 169 && a[1] == 254) return true;
  if (a[0] == 172 && (a[1] & 0xF0) == 16) return true;
  if (a[0] == 192 && a[1] == 168) return true;
  return a[0] >= 224;  // multicast, reserved, broadcast
}

bool forbidden_v6(const std::uint8_t* a) {
  static constexpr std::array<std::uint8_t, 16> kZero{};
  const bool zero_prefix = std::memcmp(a, kZero.data(), 15) == 0;
  if (zero_prefix && (a[15] == 0 || a[15] == 1)) return true;  // :: and ::1
  if ((a[0] & 0xFE) == 0xFC) return true;                      // unique local
  if (a[0] == 0xFE && (a[1] & 0xC0) == 0x80) return true;      // link local
  if (a[0] == 0xFF) return true;                               // multicast
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(a, kMapped, 12) == 0) return forbidden_v4(a + 12);
  return false;
}
}  // namespace

bool is_forbidden_address(std::string_view text) {
  std::string s(text);
  std::uint8_t buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) return forbidden_v4(buf);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) return forbidden_v6(buf);
  return false;
}

Result<WebhookTarget> check_webhook_url(std::string_view url, bool allow_private) {
  auto bad = [](std::string why) { return make_error(Errc::kInvalidArgument, std::move(why)); };
  if (url.size() > kMaxWebhookUrlLength) return bad("longer than 2048 characters");
  if (std::any_of(url.begin(), url.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7F || c == '\\';
      })) {
    return bad("must not contain spaces, control characters, backslashes or non-ASCII");
  }
  WebhookTarget t;
  std::string_view rest;
  if (url.starts_with("https://")) {
    t.scheme = "https";
    t.port = 443;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    t.scheme = "http";
    t.port = 80;
    rest = url.substr(7);
  } else {
    return bad("must be an absolute http or https URL");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return bad("must not contain credentials");
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("has junk after the IPv6 address");
      port = after.substr(1);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return bad("has no host");
  if (!port.empty()) {
    unsigned value = 0;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || p != port.data() + port.size() || value == 0 || value > 65535) {
      return bad("has an invalid port");
    }
    t.port = static_cast<std::uint16_t>(value);
  }
  t.host = std::string(host);
  std::uint8_t buf[16];
  t.host_is_literal =
      inet_pton(AF_INET, t.host.c_str(), buf) == 1 || inet_pton(AF_INET6, t.host.c_str(), buf) == 1;
  std::string lower = t.host;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!allow_private) {
    if (t.host_is_literal && is_forbidden_address(t.host)) {
      return bad("the host is a private, loopback or reserved address");
    }
    if (lower == "localhost" || lower.ends_with(".localhost")) {
      return bad("the host is a private, loopback or reserved address");
    }
  }
  return t;
}

}  // namespace imagegen
