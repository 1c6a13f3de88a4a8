#include "simulator/dashscope_handler.h"

#include <algorithm>
#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"
#include "simulator/sim_ids.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kSyncPath = "/api/v1/services/aigc/multimodal-generation/generation";
constexpr std::string_view kAsyncPath = "/api/v1/services/aigc/image-generation/generation";
constexpr std::string_view kTasksPrefix = "/api/v1/tasks/";

std::string_view methods(std::string_view path) {
  if (path == kSyncPath || path == kAsyncPath) return "POST";
  return path_id(path, kTasksPrefix).empty() ? "" : "GET";
}

SimResponse dash_error(int status, std::string_view code, std::string_view message) {
  return request_id_error(status, code, message);
}

SimResponse invalid(std::string_view message) {
  return dash_error(400, "InvalidParameter", message);
}

struct WanRequest {
  std::string prompt;
  Dimensions size{1280, 1280};
  std::int64_t n = 4;  // DashScope's default, billed per image
  bool prompt_extend = true;
};

std::optional<SimResponse> read_size(std::string_view text, WanRequest& out) {
  const auto size = parse_pixel_size(text, '*');
  if (!size) return invalid("The size format is invalid, use width*height, e.g. 1280*1280.");
  const std::uint64_t area = std::uint64_t{size->width} * size->height;
  const bool ratio_ok = size->width <= 4ull * size->height && size->height <= 4ull * size->width;
  // Alibaba states the window as 1280*1280..1440*1440, yet its own recommended 16:9 and 3:4 sizes
  // (1696*960, 1104*1472) sit just under 1280*1280; the simulator allows 1% below it.
  if (area < 1280ull * 1280 * 99 / 100 || area > 1440ull * 1440 || !ratio_ok) {
    return invalid(
        "The size is out of range: total pixels must be within [1280*1280, 1440*1440] and the "
        "aspect "
        "ratio within [1:4, 4:1].");
  }
  out.size = *size;
  return std::nullopt;
}

std::size_t utf8_chars(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

// The single text item of input.messages[0].content[].
std::optional<SimResponse> read_prompt(simdjson::dom::object root, WanRequest& out) {
  const auto input = object_field(root, "input");
  const auto messages =
      input.ok() ? array_field(input.value, "messages") : Field<simdjson::dom::array>{};
  simdjson::dom::object first;
  if (!messages.ok() || messages.value.at(0).get_object().get(first)) {
    return invalid("input.messages is required and must hold one user message");
  }
  const auto content = array_field(first, "content");
  if (!content.ok()) return invalid("input.messages[0].content must be an array");
  int texts = 0;
  for (simdjson::dom::element item : content.value) {
    simdjson::dom::object object;
    if (item.get_object().get(object)) continue;
    if (const auto text = string_field(object, "text"); text.ok()) {
      out.prompt = std::string(text.value);
      ++texts;
    }
  }
  if (texts != 1 || out.prompt.empty()) {
    return invalid("input.messages[0].content must hold exactly one text item");
  }
  if (utf8_chars(out.prompt) > 2100) return invalid("The prompt is longer than 2100 characters.");
  return std::nullopt;
}

std::optional<SimResponse> read_request(const std::string& text, WanRequest& out) {
  JsonBody body;
  if (!body.parse(text)) return invalid("The request body is not valid JSON.");
  const auto root = body.root();
  if (string_field(root, "model").or_default("") != "wan2.6-t2i") {
    return invalid("Model not exist.");
  }
  if (auto problem = read_prompt(root, out)) return problem;
  const auto parameters = object_field(root, "parameters");
  if (!parameters.ok()) return std::nullopt;
  if (const auto size = string_field(parameters.value, "size"); size.ok()) {
    if (auto problem = read_size(size.value, out)) return problem;
  }
  const auto n = int_field(parameters.value, "n");
  if (n.wrong_type || (n.ok() && (n.value < 1 || n.value > 4)))
    return invalid("n must be an integer within [1, 4].");
  out.n = n.or_default(4);
  out.prompt_extend = bool_field(parameters.value, "prompt_extend").or_default(true);
  if (utf8_chars(string_field(parameters.value, "negative_prompt").or_default("")) > 500) {
    return invalid("The negative_prompt is longer than 500 characters.");
  }
  return std::nullopt;
}

std::string size_text(Dimensions size) {
  return std::to_string(size.width) + "*" + std::to_string(size.height);
}

// One choice per image, each with one image content item (URLs served by the simulator).
void write_choices(JsonWriter& w, const SimRequest& request,
                   const std::vector<std::string>& tokens) {
  w.key("choices").begin_array();
  for (const auto& token : tokens) {
    w.begin_object()
        .field("finish_reason", "stop")
        .key("message")
        .begin_object()
        .field("role", "assistant");
    w.key("content")
        .begin_array()
        .begin_object()
        .field("type", "image")
        .field("image", file_url(request, token));
    w.end_object().end_array().end_object().end_object();
  }
  w.end_array();
}

void write_usage(JsonWriter& w, std::size_t images, Dimensions size) {
  w.key("usage")
      .begin_object()
      .field("image_count", static_cast<std::int64_t>(images))
      .field("size", size_text(size));
  w.field("input_tokens", 0).field("output_tokens", 0).field("total_tokens", 0).end_object();
}

SimResponse with_extension_flag(SimResponse response, bool prompt_extend) {
  if (prompt_extend) response.headers.emplace_back("x-sim-prompt-extended", "true");
  return response;
}

SimResponse output_blocked() {
  return dash_error(400, "DataInspectionFailed", "Output data may contain inappropriate content.");
}

SimResponse sync_generate(const SimRequest& request, const WanRequest& wan,
                          const Directives& directives, HandlerContext& context) {
  if (auto failure = directed_failure(directives, dashscope_family())) return std::move(*failure);
  if (directives.moderated == Moderation::kOutput) return output_blocked();
  const std::uint32_t granted =
      partial_grant(directives, wan.prompt, static_cast<std::uint32_t>(wan.n), context);
  if (granted == 0) return partial_exhausted(dashscope_family());
  std::vector<std::string> tokens;
  for (std::uint32_t i = 0; i < granted; ++i)
    tokens.push_back(publish_file(context, wan.size, directives));
  JsonWriter w;
  w.begin_object().key("output").begin_object();
  write_choices(w, request, tokens);
  w.key("finished").value(true).end_object();
  write_usage(w, tokens.size(), wan.size);
  w.field("request_id", new_uuid()).end_object();
  return with_directed_delay(json_reply(w.take()), directives);
}

SimResponse async_submit(const WanRequest& wan, const Directives& directives,
                         HandlerContext& context) {
  if (auto failure = directed_status(directives, dashscope_family())) return std::move(*failure);
  const std::uint32_t granted =
      partial_grant(directives, wan.prompt, static_cast<std::uint32_t>(wan.n), context);
  if (granted == 0) return partial_exhausted(dashscope_family());
  SimTask task = new_task("dashscope", wan.prompt, wan.size, granted, directives, context);
  const std::string id = context.services.tasks.submit(std::move(task), context.now);
  JsonWriter w;
  w.begin_object()
      .key("output")
      .begin_object()
      .field("task_id", id)
      .field("task_status", "PENDING")
      .end_object();
  w.field("request_id", new_uuid()).end_object();
  return json_reply(w.take());
}

SimResponse poll(const SimRequest& request, HandlerContext& context, std::string_view id) {
  const std::uint32_t pending = context.services.settings.poll_steps;
  const auto task = poll_task(context, "dashscope", id, pending);
  JsonWriter w;
  w.begin_object()
      .field("request_id", new_uuid())
      .key("output")
      .begin_object()
      .field("task_id", id);
  if (!task) {
    w.field("task_status", "UNKNOWN").end_object().end_object();
    return json_reply(w.take());
  }
  if (!task->finished) {
    w.field("task_status", stage_of_poll(task->polls, pending, 2) == 0 ? "PENDING" : "RUNNING");
    w.end_object().end_object();
    return json_reply(w.take());
  }
  const auto total = static_cast<std::int64_t>(task->count);
  if (task->directives.moderated != Moderation::kNone) {
    w.field("task_status", "FAILED").field("code", "DataInspectionFailed");
    w.field("message", "Output data may contain inappropriate content.").end_object().end_object();
    return json_reply(w.take());
  }
  w.field("task_status", "SUCCEEDED");
  write_choices(w, request, task->result_tokens);
  w.key("finished").value(true).key("task_metrics").begin_object().field("TOTAL", total);
  w.field("SUCCEEDED", total).field("FAILED", 0).end_object().end_object();
  write_usage(w, task->result_tokens.size(), {task->width, task->height});
  w.end_object();
  return json_reply(w.take());
}

}  // namespace

SimResponse handle_dashscope(const SimRequest& request, HandlerContext& context) {
  if (bearer_token(request).empty()) return dashscope_error(401, {});
  const std::string_view path = target_path(request.target);
  if (path.starts_with(kTasksPrefix)) return poll(request, context, path_id(path, kTasksPrefix));
  const bool async = path == kAsyncPath;
  if (async && find_header(request, "x-dashscope-async") != "enable") {
    return dash_error(403, "AccessDenied", "current user api does not support synchronous calls");
  }
  WanRequest wan;
  if (auto problem = read_request(request.body, wan)) return std::move(*problem);
  const Directives directives = parse_directives(wan.prompt);
  if (directives.moderated == Moderation::kPrompt) {
    return dash_error(400, "DataInspectionFailed", "Input data may contain inappropriate content.");
  }
  SimResponse response = async ? async_submit(wan, directives, context)
                               : sync_generate(request, wan, directives, context);
  return with_extension_flag(std::move(response), wan.prompt_extend);
}

SimResponse dashscope_error(int status, std::string_view message) {
  switch (status) {
    case 400:
      return dash_error(400, "InvalidParameter", message.empty() ? "Invalid parameter." : message);
    case 401:
      return dash_error(401, "InvalidApiKey",
                        message.empty() ? "Invalid API-key provided." : message);
    case 429:
      return dash_error(
          429, "Throttling.RateQuota",
          message.empty() ? "Requests rate limit exceeded, please try again later." : message);
    default:
      return status < 500
                 ? dash_error(status, "BadRequest", message.empty() ? "Request refused." : message)
                 : dash_error(status, "InternalError",
                              message.empty()
                                  ? "An internal error has occured, please try again later."
                                  : message);
  }
}

const ProtocolFamily& dashscope_family() {
  static const ProtocolFamily family{"dashscope", &methods, &handle_dashscope, &dashscope_error};
  return family;
}

}  // namespace imagegen::sim
