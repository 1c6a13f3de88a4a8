#include "worker/providers/provider.h"

namespace imagegen::worker {

std::string_view provider_error_kind_name(ProviderErrorKind k) {
  switch (k) {
    case ProviderErrorKind::kContentBlocked:
      return "content_blocked";
    case ProviderErrorKind::kRateLimited:
      return "rate_limited";
    case ProviderErrorKind::kQuotaExhausted:
      return "quota_exhausted";
    case ProviderErrorKind::kTransient:
      return "transient";
    case ProviderErrorKind::kTimeout:
      return "timeout";
    case ProviderErrorKind::kBadRequest:
      return "bad_request";
    case ProviderErrorKind::kAuth:
      return "auth";
    case ProviderErrorKind::kMalformed:
      return "malformed";
  }
  return "unknown";
}

HttpRequest ProviderFamily::build_follow_up(const ProviderFollowUp& follow_up,
                                            const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "GET";
  // "/path" is relative to the family's base URL; anything else is used as given.
  req.url = follow_up.url.starts_with("/") ? endpoint.base_url + follow_up.url : follow_up.url;
  return req;
}

ProviderParse ProviderFamily::parse_follow_up(const HttpResponse& response,
                                              const ProviderFollowUp& follow_up) const {
  return ProviderError{
      ProviderErrorKind::kMalformed, response.status,
      "family " + std::string(name()) + " has no follow-up stage '" + follow_up.stage + "'",
      std::nullopt};
}

std::optional<HttpRequest> ProviderFamily::build_cancel(const ProviderFollowUp&,
                                                        const ProviderEndpoint&) const {
  return std::nullopt;
}

}  // namespace imagegen::worker
