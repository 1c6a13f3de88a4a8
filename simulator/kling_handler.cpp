#include "simulator/kling_handler.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"
#include "simulator/kling_jwt.h"
#include "simulator/sim_ids.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPath = "/v1/images/generations";
constexpr std::string_view kTaskPrefix = "/v1/images/generations/";
constexpr std::array<std::string_view, 8> kRatios{"16:9", "9:16", "1:1", "4:3",
                                                  "3:4",  "3:2",  "2:3", "21:9"};

std::string_view methods(std::string_view path) {
  if (path == kPath) return "POST";  // shared with OpenAI and xAI: the router picks by body
  return path_id(path, kTaskPrefix).empty() ? "" : "GET";
}

SimResponse envelope_error(int code, std::string_view message) {
  return request_id_error(kling_http_status(code), code, message);
}

std::string_view code_message(int code) {
  switch (code) {
    case 1001:
      return "Authorization is empty";
    case 1002:
      return "Authorization is invalid";
    case 1003:
      return "Authorization is not yet valid";
    case 1004:
      return "Authorization has expired";
    case 1100:
      return "Account exception";
    case 1101:
      return "Account in arrears (postpaid scenario)";
    case 1102:
      return "Resource pack depleted or expired (prepaid scenario)";
    case 1103:
      return "Unauthorized access to requested resource, such as API/model";
    case 1200:
      return "Invalid request parameters";
    case 1201:
      return "Invalid parameters, such as incorrect key or illegal value";
    case 1301:
      return "Trigger the content security policy of the platform";
    case 1302:
      return "The API request is too fast, exceeding the platform's rate limit";
    case 1303:
      return "Concurrency or QPS exceeds the prepaid resource package limit";
    case 5001:
      return "Server temporarily unavailable, usually due to maintenance";
    case 5002:
      return "Server internal timeout, usually due to a backlog";
    default:
      return code >= 5000 ? "Server internal error" : "Request failed";
  }
}

std::optional<SimResponse> check_auth(const SimRequest& request, HandlerContext& context) {
  const SimSettings& settings = context.services.settings;
  switch (verify_kling_jwt(bearer_token(request), settings.kling_access_key,
                           settings.kling_secret_key, context.unix_seconds)) {
    case JwtVerdict::kValid:
      return std::nullopt;
    case JwtVerdict::kMissing:
      return envelope_error(1001, code_message(1001));
    case JwtVerdict::kInvalid:
      return envelope_error(1002, code_message(1002));
    case JwtVerdict::kNotYetValid:
      return envelope_error(1003, code_message(1003));
    case JwtVerdict::kExpired:
      return envelope_error(1004, code_message(1004));
  }
  return std::nullopt;
}

struct KlingRequest {
  std::string prompt;
  Dimensions size;
  std::uint32_t n = 1;
};

std::optional<SimResponse> read_request(const std::string& text, KlingRequest& out) {
  JsonBody body;
  if (!body.parse(text)) return envelope_error(1200, "Invalid request body: not JSON");
  const auto root = body.root();
  if (string_field(root, "model_name").or_default("kling-v1") != "kling-v3") {
    return envelope_error(1201, "model_name is invalid; this simulator serves kling-v3");
  }
  const auto prompt = string_field(root, "prompt");
  if (!prompt.ok() || prompt.value.empty() || prompt.value.size() > 2500 * 4) {
    return envelope_error(1201, "prompt is required and must be at most 2500 characters");
  }
  out.prompt = std::string(prompt.value);
  const auto n = int_field(root, "n");
  if (n.wrong_type || (n.ok() && (n.value < 1 || n.value > 9)))
    return envelope_error(1201, "n must be 1..9");
  out.n = static_cast<std::uint32_t>(n.or_default(1));
  const auto resolution = string_field(root, "resolution").or_default("1k");
  if (resolution != "1k" && resolution != "2k")
    return envelope_error(1201, "resolution must be 1k or 2k");
  const auto ratio = string_field(root, "aspect_ratio").or_default("16:9");
  if (std::find(kRatios.begin(), kRatios.end(), ratio) == kRatios.end()) {
    return envelope_error(1201, "aspect_ratio is invalid: " + std::string(ratio));
  }
  out.size = *ratio_dimensions(ratio, resolution == "2k" ? 2048 : 1024);
  return std::nullopt;
}

void write_task_head(JsonWriter& w, std::string_view id, std::string_view status,
                     const SimTask& task, std::int64_t now_ms) {
  w.begin_object().field("code", 0).field("message", "SUCCEED").field("request_id", new_uuid());
  w.key("data").begin_object().field("task_id", id).field("task_status", status);
  w.field("created_at", task.created_unix_ms).field("updated_at", now_ms);
}

SimResponse submit(const SimRequest& request, HandlerContext& context) {
  KlingRequest kling;
  if (auto problem = read_request(request.body, kling)) return std::move(*problem);
  const Directives directives = parse_directives(kling.prompt);
  if (directives.kling_code)
    return envelope_error(*directives.kling_code, code_message(*directives.kling_code));
  if (auto failure = directed_status(directives, kling_family())) return std::move(*failure);
  if (directives.moderated == Moderation::kPrompt) return envelope_error(1301, code_message(1301));
  const std::uint32_t granted = partial_grant(directives, kling.prompt, kling.n, context);
  if (granted == 0) return partial_exhausted(kling_family());
  SimTask task = new_task("kling", kling.prompt, kling.size, granted, directives, context);
  const SimTask head = task;
  const std::string id = context.services.tasks.submit(std::move(task), context.now);
  JsonWriter w;
  write_task_head(w, id, "submitted", head, unix_ms(context));
  w.key("task_info").begin_object().end_object().end_object().end_object();
  return json_reply(w.take());
}

SimResponse poll(const SimRequest& request, HandlerContext& context, std::string_view id) {
  const std::uint32_t pending = context.services.settings.poll_steps;
  const auto task = poll_task(context, "kling", id, pending);
  if (!task) return envelope_error(1201, "task_id not found: " + std::string(id));
  JsonWriter w;
  if (!task->finished) {
    const bool first = stage_of_poll(task->polls, pending, 2) == 0;
    write_task_head(w, id, first ? "submitted" : "processing", *task, unix_ms(context));
    w.field("task_status_msg", "").end_object().end_object();
  } else if (task->directives.moderated != Moderation::kNone) {
    write_task_head(w, id, "failed", *task, unix_ms(context));
    w.field("task_status_msg", "Failure to pass the risk control system").end_object().end_object();
  } else {
    write_task_head(w, id, "succeed", *task, unix_ms(context));
    w.field("task_status_msg", "").field("final_unit_deduction", "1");
    w.key("task_result").begin_object().key("images").begin_array();
    for (std::size_t i = 0; i < task->result_tokens.size(); ++i) {
      w.begin_object().field("index", static_cast<std::int64_t>(i));
      w.field("url", file_url(request, task->result_tokens[i])).end_object();
    }
    w.end_array().end_object().end_object().end_object();
  }
  return json_reply(w.take());
}

}  // namespace

SimResponse handle_kling(const SimRequest& request, HandlerContext& context) {
  if (auto refused = check_auth(request, context)) return std::move(*refused);
  const std::string_view path = target_path(request.target);
  return path == kPath ? submit(request, context)
                       : poll(request, context, path_id(path, kTaskPrefix));
}

int kling_http_status(int code) {
  if (code >= 1000 && code <= 1004) return 401;
  if (code >= 1100 && code <= 1102) return 429;
  if (code == 1103) return 403;
  if (code == 1202 || code == 1203) return 404;
  if (code >= 1302 && code <= 1304) return 429;
  if (code == 5001) return 503;
  if (code == 5002) return 504;
  if (code >= 5000) return 500;
  return 400;
}

SimResponse kling_error(int status, std::string_view message) {
  int code = 1200;
  switch (status) {
    case 401:
      code = 1000;
      break;
    case 403:
      code = 1103;
      break;
    case 404:
    case 405:
      code = 1202;
      break;
    case 429:
      code = 1302;
      break;
    case 503:
      code = 5001;
      break;
    case 504:
      code = 5002;
      break;
    default:
      code = status >= 500 ? 5000 : 1200;
  }
  SimResponse response = envelope_error(code, message.empty() ? code_message(code) : message);
  response.status = status;
  return response;
}

const ProtocolFamily& kling_family() {
  static const ProtocolFamily family{"kling", &methods, &handle_kling, &kling_error};
  return family;
}

}  // namespace imagegen::sim
