#pragma once
// Where a webhook may be sent. A target must be an absolute http(s) URL of at most 2,048
// characters; a host that is (or, at delivery, resolves to) a loopback, private, link-local,
// unique-local, multicast or unspecified address is refused, so a client cannot make our workers
// reach the internal network (SSRF). `allow_private` (IMAGEGEN_WEBHOOK_ALLOW_PRIVATE=1) lifts
// the address rule for tests and private deployments. Pure: no resolution here.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace imagegen {

struct WebhookTarget {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  bool host_is_literal = false;  // an IPv4/IPv6 literal: checked here, not at delivery
};

inline constexpr std::size_t kMaxWebhookUrlLength = 2048;

Result<WebhookTarget> check_webhook_url(std::string_view url, bool allow_private);

// True for an address no webhook may reach: IPv4 0/8, 10/8, 100.64/10, 127/8, 169.254/16,
// 172.16/12, 192.168/16, 224/4 and up; IPv6 ::, ::1, fc00::/7, fe80::/10, ff00::/8, and
// IPv4-mapped forms of the IPv4 ranges. `text` is a numeric address; non-numeric text is false.
bool is_forbidden_address(std::string_view text);

}  // namespace imagegen
