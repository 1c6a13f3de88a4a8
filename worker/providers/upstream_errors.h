#pragma once
// Shared pieces of error classification for provider families: the default HTTP status mapping
// and safe message handling. Each family refines it with its own error codes.
#include <string>
#include <string_view>

#include "worker/providers/provider.h"

namespace imagegen::worker {

// The default meaning of a non-2xx status: 401/403 auth, 408 timeout, 429 rate limited, 5xx
// transient, other 4xx bad request, anything else (1xx/3xx) malformed.
ProviderErrorKind kind_for_status(int status);

// Replaces anything shaped like an API key ("sk-...", "AIza...") with "[redacted]".
std::string redact_keys(std::string_view message);

// Upstream messages go to logs and job errors: redact keys, cap the size, drop control
// characters.
std::string clip_message(std::string_view message, std::size_t max = 300);

ProviderError make_provider_error(ProviderErrorKind kind, int status, std::string_view message);

}  // namespace imagegen::worker
