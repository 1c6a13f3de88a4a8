#pragma once
// The skeleton every async-task upstream shares: submit a task, poll its status URL until a
// "done" or "failed" state, extract the results, and (where the protocol has one) cancel it.
// A family is an AsyncTaskSpec row (auth header, paths, JSON pointers, state words) plus small
// hooks for its real quirks (error vocabularies, request body, a body-level error envelope).
#include <simdjson.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "worker/providers/provider.h"

namespace imagegen::worker {

// What a state that is in none of the spec's lists (or missing) means.
enum class UnlistedState {
  kPending,    // still running: poll again
  kGone,       // the task will not finish: kTransient, a new submit may work
  kMalformed,  // we cannot read the answer: kMalformed
};

struct AsyncTaskSpec {
  using Doc = simdjson::dom::element;

  std::string_view name;  // catalog `provider`
  int max_images = 1;     // images one task can make
  // true: the catalog's maxImagesPerCall, clamped to [1, max_images]; false: max_images.
  bool model_sets_batch = false;

  // Sent on every call (submit, poll, cancel): `<auth_header>: <auth_prefix><credential>`.
  std::string_view auth_header = "Authorization";
  std::string_view auth_prefix = "Bearer ";
  // The credential; null = the endpoint's api_key (kling mints a JWT here).
  std::function<std::string(const ProviderEndpoint&)> credential = {};
  HeaderList every_call_headers = {};  // after auth on every call (runway's X-Runway-Version)
  HeaderList submit_headers = {};      // after those on the submit only

  // Submit: POST base_url + submit_path ("{model}" = the model's upstream id), JSON body.
  std::string submit_path;
  std::function<std::string(const ModelInfo&, const JobSpec&, int images)> body;

  // The submit answer names the task: `task_id_at` (a JSON pointer) holds its id, polled at
  // status_path ("{id}" = the id). When `poll_url_at` is set, that field holds the absolute URL to
  // poll instead (it may name another host), and the id is optional.
  std::string_view task_id_at;
  std::string_view poll_url_at = {};
  std::string status_path = {};

  // The poll answer: the state at `state_at`, sorted by these lists.
  std::string_view state_at;
  bool states_ignore_case = false;
  std::vector<std::string_view> pending, done, failed;
  UnlistedState unlisted = UnlistedState::kPending;
  UnlistedState missing = UnlistedState::kMalformed;  // no state at all

  // Results of a done task: the URLs at `results_at`, a string or an array of strings (or of
  // objects whose `result_field` is the URL).
  std::string_view results_at = {};
  std::string_view result_field = {};

  // Optional upstream cancel of a running task: `<cancel_method> base_url + cancel_path`.
  std::string_view cancel_method = {};
  std::string cancel_path = {};

  // Quirks. `error` reads any non-2xx answer (required).
  std::function<ProviderError(const HttpResponse&)> error;
  // A 2xx body that still says "error" (kling's `code`, dashscope's `code`).
  std::function<std::optional<ProviderError>(const HttpResponse&, Doc)> envelope = {};
  // A submit answer that is already the result (dashscope's synchronous mode).
  std::function<std::optional<ProviderParse>(const HttpResponse&, Doc)> submitted = {};
  // Results of a done task when results_at cannot say where they are.
  std::function<ProviderParse(const HttpResponse&, Doc)> results = {};
  // The error for a failed state; null = kTransient "task status <state>".
  std::function<ProviderError(const HttpResponse&, Doc, std::string_view state)> failure = {};
};

class AsyncTaskFamily final : public ProviderFamily {
 public:
  explicit AsyncTaskFamily(AsyncTaskSpec spec) : spec_(std::move(spec)) {}

  const AsyncTaskSpec& spec() const { return spec_; }
  std::string_view name() const override { return spec_.name; }
  int max_images_per_call(const ModelInfo& model) const override;
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
  HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                              const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_follow_up(const HttpResponse& response,
                                const ProviderFollowUp& follow_up) const override;
  std::optional<HttpRequest> build_cancel(const ProviderFollowUp& task,
                                          const ProviderEndpoint& endpoint) const override;

 private:
  HeaderList headers(const ProviderEndpoint& endpoint, bool submit) const;
  ProviderParse parse_state(const HttpResponse& r, AsyncTaskSpec::Doc doc,
                            const ProviderFollowUp& follow_up) const;
  ProviderParse unlisted(const HttpResponse& r, UnlistedState what, std::string_view state,
                         const ProviderFollowUp& follow_up) const;

  AsyncTaskSpec spec_;
};

// `text` with every "{key}" replaced by `value`.
std::string fill_template(std::string_view text, std::string_view key, std::string_view value);

// The http(s) URLs at `pointer` in `doc`: one string, or an array of strings or of objects whose
// `field` is the URL. Empty when there are none.
std::vector<std::string> urls_at(simdjson::dom::element doc, std::string_view pointer,
                                 std::string_view field);

}  // namespace imagegen::worker
