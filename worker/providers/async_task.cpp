#include "worker/providers/async_task.h"

#include <algorithm>

#include "worker/providers/family_util.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

bool ok_status(const HttpResponse& r) { return r.status >= 200 && r.status <= 299; }

// "/data/task_id" -> "data.task_id", for messages.
std::string field_name(std::string_view pointer) {
  std::string out(pointer.starts_with('/') ? pointer.substr(1) : pointer);
  std::replace(out.begin(), out.end(), '/', '.');
  return out;
}

std::string_view str_at(JsonElement doc, std::string_view pointer) {
  if (pointer.empty()) return {};
  return json_str(doc.at_pointer(pointer));
}

bool listed(const std::vector<std::string_view>& words, std::string_view state, bool ignore_case) {
  return std::any_of(words.begin(), words.end(), [&](std::string_view w) {
    return ignore_case ? iequals(w, state) : w == state;
  });
}

}  // namespace

std::string fill_template(std::string_view text, std::string_view key, std::string_view value) {
  const std::string marker = "{" + std::string(key) + "}";
  std::string out(text);
  for (auto pos = out.find(marker); pos != std::string::npos;
       pos = out.find(marker, pos + value.size())) {
    out.replace(pos, marker.size(), value);
  }
  return out;
}

std::vector<std::string> urls_at(simdjson::dom::element doc, std::string_view pointer,
                                 std::string_view field) {
  std::vector<std::string> out;
  JsonElement at;
  if (pointer.empty() || doc.at_pointer(pointer).get(at)) return out;
  auto take = [&](JsonElement e) {
    const std::string_view url = field.empty() ? json_str(e) : json_str(e[field]);
    if (is_http_url(url)) out.emplace_back(url);
  };
  simdjson::dom::array items;
  if (!at.get(items)) {
    for (JsonElement item : items) take(item);
  } else {
    take(at);
  }
  return out;
}

int AsyncTaskFamily::max_images_per_call(const ModelInfo& model) const {
  const int cap = std::max(spec_.max_images, 1);
  return spec_.model_sets_batch ? std::clamp(model.max_images_per_call, 1, cap) : cap;
}

HeaderList AsyncTaskFamily::headers(const ProviderEndpoint& endpoint, bool submit) const {
  HeaderList h;
  if (submit) h.emplace_back("Content-Type", "application/json");
  const std::string credential = spec_.credential ? spec_.credential(endpoint) : endpoint.api_key;
  h.emplace_back(std::string(spec_.auth_header), std::string(spec_.auth_prefix) + credential);
  h.insert(h.end(), spec_.every_call_headers.begin(), spec_.every_call_headers.end());
  if (submit) h.insert(h.end(), spec_.submit_headers.begin(), spec_.submit_headers.end());
  return h;
}

HttpRequest AsyncTaskFamily::build_request(const ModelInfo& model, const JobSpec& job,
                                           int images_in_call,
                                           const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "POST";
  req.url = endpoint.base_url + fill_template(spec_.submit_path, "model", model.upstream_id);
  req.headers = headers(endpoint, true);
  req.body = spec_.body(model, job, images_in_call);
  return req;
}

ProviderParse AsyncTaskFamily::parse_response(const HttpResponse& r) const {
  if (!ok_status(r)) return spec_.error(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status, std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  if (spec_.envelope) {
    if (auto err = spec_.envelope(r, doc)) return std::move(*err);
  }
  if (spec_.submitted) {
    if (auto done = spec_.submitted(r, doc)) return std::move(*done);
  }
  const std::string id(str_at(doc, spec_.task_id_at));
  if (!spec_.poll_url_at.empty()) {
    // Always the returned URL: it may name another (regional) host.
    const std::string_view url = str_at(doc, spec_.poll_url_at);
    if (!is_http_url(url)) {
      return malformed_error(r.status, "submit answer has no " + field_name(spec_.poll_url_at));
    }
    return ProviderFollowUp{std::string(url), "poll", std::nullopt, id};
  }
  if (id.empty()) {
    return malformed_error(r.status, "submit answer has no " + field_name(spec_.task_id_at));
  }
  return ProviderFollowUp{fill_template(spec_.status_path, "id", id), "poll", std::nullopt, id};
}

HttpRequest AsyncTaskFamily::build_follow_up(const ProviderFollowUp& follow_up,
                                             const ProviderEndpoint& endpoint) const {
  HttpRequest req;
  req.method = "GET";
  req.url = resolve_url(endpoint, follow_up.url);
  req.headers = headers(endpoint, false);
  return req;
}

ProviderParse AsyncTaskFamily::parse_follow_up(const HttpResponse& r,
                                               const ProviderFollowUp& follow_up) const {
  if (!ok_status(r)) return spec_.error(r);
  simdjson::dom::parser parser;
  JsonElement doc;
  if (auto err = parser.parse(r.body).get(doc)) {
    return malformed_error(r.status,
                           std::string("invalid poll JSON: ") + simdjson::error_message(err));
  }
  if (spec_.envelope) {
    if (auto err = spec_.envelope(r, doc)) return std::move(*err);
  }
  return parse_state(r, doc, follow_up);
}

ProviderParse AsyncTaskFamily::parse_state(const HttpResponse& r, JsonElement doc,
                                           const ProviderFollowUp& follow_up) const {
  const std::string_view state = str_at(doc, spec_.state_at);
  if (state.empty()) return unlisted(r, spec_.missing, "", follow_up);
  const bool nocase = spec_.states_ignore_case;
  if (listed(spec_.pending, state, nocase)) {
    return ProviderFollowUp{follow_up.url, follow_up.stage, std::nullopt, follow_up.task_id};
  }
  if (listed(spec_.done, state, nocase)) {
    if (spec_.results) return spec_.results(r, doc);
    ProviderImages out;
    out.urls = urls_at(doc, spec_.results_at, spec_.result_field);
    if (out.urls.empty()) {
      return malformed_error(r.status,
                             std::string(state) + " without " + field_name(spec_.results_at));
    }
    return out;
  }
  if (listed(spec_.failed, state, nocase)) {
    if (spec_.failure) return spec_.failure(r, doc, state);
    return make_provider_error(ProviderErrorKind::kTransient, r.status,
                               "task status " + std::string(state));
  }
  return unlisted(r, spec_.unlisted, state, follow_up);
}

ProviderParse AsyncTaskFamily::unlisted(const HttpResponse& r, UnlistedState what,
                                        std::string_view state,
                                        const ProviderFollowUp& follow_up) const {
  switch (what) {
    case UnlistedState::kPending:
      return ProviderFollowUp{follow_up.url, follow_up.stage, std::nullopt, follow_up.task_id};
    case UnlistedState::kGone:
      // Cancelled upstream, expired or unknown id: the task is not coming back.
      return make_provider_error(ProviderErrorKind::kTransient, r.status,
                                 "task status " + std::string(state.empty() ? "missing" : state));
    case UnlistedState::kMalformed:
      break;
  }
  if (state.empty()) {
    return malformed_error(r.status, "poll answer has no " + field_name(spec_.state_at));
  }
  return malformed_error(r.status, "unknown task state '" + std::string(state) + "'");
}

std::optional<HttpRequest> AsyncTaskFamily::build_cancel(const ProviderFollowUp& task,
                                                         const ProviderEndpoint& endpoint) const {
  if (spec_.cancel_method.empty() || task.task_id.empty()) return std::nullopt;
  HttpRequest req;
  req.method = std::string(spec_.cancel_method);
  req.url = endpoint.base_url + fill_template(spec_.cancel_path, "id", task.task_id);
  req.headers = headers(endpoint, false);
  return req;
}

}  // namespace imagegen::worker
