#include "simulator/storage_handler.h"

#include <string>

#include "common/json_writer.h"
#include "simulator/family_common.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPrefix = "/storage/v1/object/";

// "{bucket}/{path...}" with both parts non-empty, or empty.
std::string_view object_key(std::string_view path) {
  if (!path.starts_with(kPrefix)) return {};
  path.remove_prefix(kPrefix.size());
  const auto slash = path.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == path.size()) return {};
  return path;
}

std::string_view methods(std::string_view path) {
  return object_key(path).empty() ? "" : "GET, POST, PUT";
}

SimResponse refusal(int status_code, std::string_view error, std::string_view message,
                    int http_status = 400) {
  JsonWriter w;
  w.begin_object().field("statusCode", std::to_string(status_code)).field("error", error);
  w.field("message", message).end_object();
  return json_reply(w.take(), http_status);
}

bool authorized(const SimRequest& request) {
  return !bearer_token(request).empty() || !find_header(request, "apikey").empty();
}

SimResponse upload(const SimRequest& request, HandlerContext& context, const std::string& key) {
  auto& store = context.services.objects;
  if (key.find("sim-fail-once") != std::string::npos && store.first_attempt(key)) {
    return storage_error(503, "[sim] sim-fail-once: the first upload to this path fails");
  }
  if (store.should_fail()) return storage_error(503, {});
  if (request.body.empty()) return refusal(400, "Invalid Input", "The object body is empty");
  const bool upsert = request.method == "PUT" || find_header(request, "x-upsert") == "true";
  std::string content_type(find_header(request, "content-type"));
  if (content_type.empty()) content_type = "application/octet-stream";
  std::string id;
  switch (store.put(key, request.body, std::move(content_type), upsert, id)) {
    case PutOutcome::kDuplicate:
      return refusal(409, "Duplicate", "The resource already exists");
    case PutOutcome::kTooLarge:
      return refusal(413, "Payload too large", "The object exceeded the maximum allowed size", 413);
    case PutOutcome::kStored:
      break;
  }
  JsonWriter w;
  w.begin_object().field("Key", key).field("Id", id).end_object();
  return json_reply(w.take());
}

SimResponse download(HandlerContext& context, const std::string& key) {
  const auto object = context.services.objects.get(key);
  if (!object) return refusal(404, "not_found", "Object not found");
  SimResponse response;
  response.headers.emplace_back("Content-Type", object->content_type);
  response.body = object->bytes;
  return response;
}

// Signed URLs (POST /storage/v1/object/sign/{bucket}/{path} with {"expiresIn": s}): the answer
// is a path relative to /storage/v1 with a token; GET of that path serves the object without
// other credentials. The token is a pure function of the key: the simulator does not expire it.
constexpr std::string_view kSign = "sign/";

std::string sign_token(const std::string& key) {
  return "simtoken" + std::to_string(std::hash<std::string>{}(key));
}

SimResponse sign(HandlerContext& context, const std::string& key) {
  if (!context.services.objects.get(key)) return refusal(404, "not_found", "Object not found", 400);
  JsonWriter w;
  w.begin_object();
  w.field("signedURL", "/object/sign/" + key + "?token=" + sign_token(key));
  w.end_object();
  return json_reply(w.take());
}

SimResponse signed_download(const SimRequest& request, HandlerContext& context,
                            const std::string& key) {
  const std::string_view target = request.target;
  const auto q = target.find("?token=");
  if (q == std::string_view::npos || target.substr(q + 7) != sign_token(key)) {
    return refusal(400, "InvalidJWT", "invalid signature", 400);
  }
  return download(context, key);
}

}  // namespace

SimResponse handle_storage(const SimRequest& request, HandlerContext& context) {
  const std::string full(object_key(target_path(request.target)));
  if (full.starts_with(kSign)) {
    const std::string key = full.substr(kSign.size());
    if (request.method == "GET") return signed_download(request, context, key);
    if (!authorized(request)) {
      return refusal(403, "Unauthorized", "headers must have required property 'authorization'");
    }
    return sign(context, key);
  }
  if (!authorized(request)) {
    return refusal(403, "Unauthorized", "headers must have required property 'authorization'");
  }
  const std::string key(object_key(target_path(request.target)));
  return request.method == "GET" ? download(context, key) : upload(request, context, key);
}

SimResponse storage_error(int status, std::string_view message) {
  std::string_view error = status == 503   ? "Service Unavailable"
                           : status >= 500 ? "Internal Server Error"
                                           : "Error";
  if (message.empty())
    message = status >= 500 ? "The storage backend is temporarily unavailable" : "Request refused";
  return refusal(status, error, message, status);
}

const ProtocolFamily& storage_family() {
  static const ProtocolFamily family{"supabase", &methods, &handle_storage, &storage_error, false};
  return family;
}

}  // namespace imagegen::sim
