#include "simulator/midjourney_handler.h"

#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kSubmitPath = "/api/v1/task";
constexpr std::string_view kTaskPrefix = "/api/v1/task/";

std::string_view methods(std::string_view path) {
  if (path == kSubmitPath) return "POST";
  return path_id(path, kTaskPrefix).empty() ? "" : "GET";
}

struct ImagineRequest {
  std::string prompt;
  std::string input_json;  // echoed back in every answer
  Dimensions tile;
};

std::optional<SimResponse> read_request(const std::string& text, ImagineRequest& out) {
  JsonBody body;
  if (!body.parse(text)) return midjourney_error(400, "invalid request body: not JSON");
  const auto root = body.root();
  if (string_field(root, "model").or_default("") != "midjourney")
    return midjourney_error(400, "model is invalid");
  if (string_field(root, "task_type").or_default("") != "imagine") {
    return midjourney_error(400, "task_type is not supported by the simulator (imagine only)");
  }
  const auto input = object_field(root, "input");
  const auto prompt = input.ok() ? string_field(input.value, "prompt") : Field<std::string_view>{};
  if (!prompt.ok() || prompt.value.empty())
    return midjourney_error(400, "input.prompt is required");
  out.prompt = std::string(prompt.value);
  out.input_json = field_json(root, "input");
  const std::string_view version = midjourney_flag(out.prompt, "--v");
  if (!version.empty() && version != "7" && version != "6.1") {
    return midjourney_error(
        400, "invalid version --v " + std::string(version) + ": only 7 and 6.1 are served");
  }
  const auto mode = string_field(input.value, "process_mode").or_default("fast");
  if (mode != "relax" && mode != "fast" && mode != "turbo")
    return midjourney_error(400, "process_mode is invalid");
  std::string_view ratio = midjourney_flag(out.prompt, "--ar");
  if (ratio.empty()) ratio = string_field(input.value, "aspect_ratio").or_default("1:1");
  const auto tile = ratio_dimensions(ratio, 1024, 8);
  if (!tile) return midjourney_error(400, "invalid aspect ratio " + std::string(ratio));
  out.tile = *tile;
  return std::nullopt;
}

// The task object of every answer; `outcome` writes `status`, `output` and `error`.
template <typename Outcome>
SimResponse task_answer(std::string_view id, const SimTask& task, Outcome outcome) {
  JsonWriter w;
  w.begin_object().field("code", 200).field("message", "success").key("data").begin_object();
  w.field("task_id", id).field("model", "midjourney").field("task_type", "imagine");
  outcome(w);
  w.key("input").raw(task.extra);
  w.key("meta")
      .begin_object()
      .field("created_at", task.created_unix_ms / 1000)
      .key("usage")
      .begin_object();
  w.field("type", "point").field("frozen", 0).field("consume", 0).end_object().end_object();
  w.key("logs").begin_array().end_array().end_object().end_object();
  return json_reply(w.take());
}

void no_error(JsonWriter& w) {
  w.key("error").begin_object().field("code", 0).field("raw_message", "").field("message", "");
  w.key("detail").null().end_object();
}

SimResponse submit(const SimRequest& request, HandlerContext& context) {
  ImagineRequest imagine;
  if (auto problem = read_request(request.body, imagine)) return std::move(*problem);
  const Directives directives = parse_directives(imagine.prompt);
  if (auto failure = directed_status(directives, midjourney_family())) return std::move(*failure);
  // One imagine is one grid whatever the count, so `partial` counts grids here.
  if (partial_grant(directives, imagine.prompt, 1, context) == 0)
    return partial_exhausted(midjourney_family());
  SimTask task = new_task("midjourney", imagine.prompt, imagine.tile, 4, directives, context);
  task.extra = imagine.input_json;
  const SimTask head = task;
  const std::string id = context.services.tasks.submit(std::move(task), context.now);
  return task_answer(id, head, [](JsonWriter& w) {
    w.field("status", "pending").key("output").begin_object().end_object();
    no_error(w);
  });
}

SimResponse poll(const SimRequest& request, HandlerContext& context, std::string_view id) {
  const std::uint32_t pending = context.services.settings.poll_steps;
  const auto task = poll_task(context, "midjourney", id, pending, /*grid_first=*/true);
  if (!task) return midjourney_error(404, "task not found");
  if (!task->finished) {
    const bool first = stage_of_poll(task->polls, pending, 2) == 0;
    return task_answer(id, *task, [first](JsonWriter& w) {
      w.field("status", first ? "pending" : "processing").key("output").begin_object();
      w.field("task_progress", first ? 0 : 50).end_object();
      no_error(w);
    });
  }
  if (task->directives.moderated != Moderation::kNone) {
    return task_answer(id, *task, [](JsonWriter& w) {
      w.field("status", "failed").key("output").begin_object().end_object();
      w.key("error")
          .begin_object()
          .field("code", 10000)
          .field("raw_message", "Banned prompt detected");
      w.field("message", "failed to check prompt: banned prompt detected")
          .key("detail")
          .null()
          .end_object();
    });
  }
  return task_answer(id, *task, [&](JsonWriter& w) {
    w.field("status", "completed").key("output").begin_object();
    w.field("image_url", file_url(request, task->result_tokens.front()))
        .key("temporary_image_urls")
        .begin_array();
    for (std::size_t i = 1; i < task->result_tokens.size(); ++i)
      w.value(file_url(request, task->result_tokens[i]));
    w.end_array().field("discord_image_url", "").field("task_progress", 100);
    w.key("actions")
        .begin_array()
        .value("upscale1")
        .value("upscale2")
        .value("upscale3")
        .value("upscale4")
        .end_array();
    w.end_object();
    no_error(w);
  });
}

}  // namespace

SimResponse handle_midjourney(const SimRequest& request, HandlerContext& context) {
  if (find_header(request, "x-api-key").empty()) return midjourney_error(401, {});
  const std::string_view path = target_path(request.target);
  return path == kSubmitPath ? submit(request, context)
                             : poll(request, context, path_id(path, kTaskPrefix));
}

SimResponse midjourney_error(int status, std::string_view message) {
  std::string_view text = message;
  if (text.empty()) {
    text = status == 401   ? "Invalid API key"
           : status == 402 ? "insufficient credits"
           : status == 429 ? "too many requests, please slow down"
           : status >= 500 ? "internal server error"
                           : "bad request";
  }
  JsonWriter w;
  w.begin_object().field("code", status).field("message", text).key("data").null().end_object();
  return json_reply(w.take(), status);
}

std::string_view midjourney_flag(std::string_view prompt, std::string_view flag) {
  std::size_t at = 0;
  std::string_view value;
  while ((at = prompt.find(flag, at)) != std::string_view::npos) {
    const std::size_t after = at + flag.size();
    const bool starts_word = at == 0 || prompt[at - 1] == ' ';
    if (starts_word && after < prompt.size() && prompt[after] == ' ') {
      std::string_view rest = prompt.substr(after);
      while (rest.starts_with(' ')) rest.remove_prefix(1);
      value = rest.substr(0, rest.find(' '));  // the last occurrence wins, as in Midjourney
    }
    at = after;
  }
  return value;
}

const ProtocolFamily& midjourney_family() {
  static const ProtocolFamily family{"midjourney", &methods, &handle_midjourney, &midjourney_error};
  return family;
}

}  // namespace imagegen::sim
