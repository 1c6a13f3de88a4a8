#pragma once
// The contract of a provider protocol family: build the upstream request, parse the upstream
// response. Pure functions of their inputs, no I/O, so every protocol quirk is unit-testable
// without a socket. The shared ProviderCaller does the I/O, deadlines, retries, metrics and logs.
//
// Sync families (gemini, openai) answer parse_response() with images or an error. Async families
// (bfl, runway, kling, ...) answer the submit response with a ProviderFollowUp ("GET this URL
// after N ms"); the caller builds it with build_follow_up() (which adds the family's auth) and
// feeds the answer to parse_follow_up(), until images or an error come back. A result that is a
// short-lived URL is a follow-up too (stage "download"). Families that speak the common async-task
// shape are rows of AsyncTaskSpec (async_task.h); the images-envelope ones share
// images_envelope.h.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/catalog.h"
#include "common/job_spec.h"
#include "worker/providers/http_message.h"

namespace imagegen::worker {

struct ProviderEndpoint {
  std::string base_url;         // no trailing slash; for openai it already ends in /v1
  std::string api_key;          // never logged (kling: the access key)
  std::string secret_key = {};  // never logged; only families that sign requests (kling) use it
};

enum class ProviderErrorKind {
  kContentBlocked,  // the provider's safety system refused prompt or output: never retried
  kRateLimited,     // 429-style throttling: retried, honouring retry_after
  kQuotaExhausted,  // account out of money/quota: never retried
  kTransient,       // 5xx, overload, connection trouble: retried
  kTimeout,         // no answer in time: retried while the job deadline allows
  kBadRequest,      // the request itself is wrong: never retried
  kAuth,            // key missing/revoked/forbidden: never retried
  kMalformed,       // 2xx we cannot use (bad JSON, bad base64, not an image): retried
};

std::string_view provider_error_kind_name(ProviderErrorKind k);  // "content_blocked", ...

struct ProviderError {
  ProviderErrorKind kind = ProviderErrorKind::kTransient;
  int http_status = 0;  // 0 when there was no HTTP response
  std::string message;  // upstream's message, safe to log (never contains our key)
  std::optional<std::chrono::milliseconds> retry_after;
};

struct GeneratedImage {
  std::string bytes;  // decoded image file bytes
  std::string mime;   // as the provider declared it (may be empty); the probe decides the truth
};

// Delivered images. May be fewer than asked: the caller asks again for the rest.
// `urls` are results the provider only links to (short-lived, pre-signed): the caller downloads
// them (bounded size and time, plain GET without our credentials), probes the bytes and never
// lets the URL itself reach the job result.
struct ProviderImages {
  std::vector<GeneratedImage> images;
  std::vector<std::string> urls;
};

// "Not done yet: send the request build_follow_up() makes for this after `delay`."
struct ProviderFollowUp {
  std::string url;    // absolute URL, or "/path" relative to the endpoint's base URL
  std::string stage;  // family-defined, e.g. "poll"
  // Wait this long first; nullopt = the model's catalog pollIntervalMs.
  std::optional<std::chrono::milliseconds> delay;
  // The upstream task this follows, when it has an id (for build_cancel); empty otherwise.
  std::string task_id = {};
};

using ProviderParse = std::variant<ProviderImages, ProviderFollowUp, ProviderError>;

class ProviderFamily {
 public:
  virtual ~ProviderFamily() = default;

  // Protocol family name, as in the catalog's `provider` and the 200 body: "gemini", "openai".
  virtual std::string_view name() const = 0;

  // How many images one upstream call may ask for (>= 1).
  virtual int max_images_per_call(const ModelInfo& model) const = 0;

  // The upstream call asking for `images_in_call` images of `job`.
  virtual HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                                    const ProviderEndpoint& endpoint) const = 0;

  // Interprets the answer to build_request() (any status code).
  virtual ProviderParse parse_response(const HttpResponse& response) const = 0;

  // Async families: the request for a follow-up. Default: plain GET of the URL (resolved against
  // the base URL when relative), no credentials.
  virtual HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                                      const ProviderEndpoint& endpoint) const;

  // Async families: interprets the answer to a follow-up. Default: kMalformed (sync families
  // never return a ProviderFollowUp).
  virtual ProviderParse parse_follow_up(const HttpResponse& response,
                                        const ProviderFollowUp& follow_up) const;

  // Async families whose protocol can stop a running task: the request that cancels the task
  // `task` follows (sent when the job is cancelled). Default: none.
  virtual std::optional<HttpRequest> build_cancel(const ProviderFollowUp& task,
                                                  const ProviderEndpoint& endpoint) const;
};

}  // namespace imagegen::worker
