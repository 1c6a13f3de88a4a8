#include "simulator/bfl_handler.h"

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kPollPath = "/v1/get_result";
constexpr std::uint64_t kMaxPixels = 4'194'304;

// Credits (1 credit = $0.01) for the first output megapixel and for each further one.
struct FluxModel {
  std::string_view path;
  double first_mp;
  double extra_mp;
};

constexpr std::array<FluxModel, 5> kModels{{
    {"/v1/flux-2-max", 7.0, 3.0},
    {"/v1/flux-2-pro", 3.0, 1.5},
    {"/v1/flux-2-flex", 5.0, 5.0},
    {"/v1/flux-2-klein-9b", 1.5, 0.2},
    {"/v1/flux-2-klein-4b", 1.4, 0.1},
}};

const FluxModel* model_at(std::string_view path) {
  for (const auto& model : kModels) {
    if (model.path == path) return &model;
  }
  return nullptr;
}

std::string_view methods(std::string_view path) {
  if (path == kPollPath) return "GET";
  return model_at(path) ? "POST" : "";
}

// FastAPI's 422 for one field.
SimResponse unprocessable(std::string_view field, std::string_view message, std::string_view type) {
  JsonWriter w;
  w.begin_object().key("detail").begin_array().begin_object().key("loc").begin_array().value(
      "body");
  if (!field.empty()) w.value(field);
  w.end_array().field("msg", message).field("type", type).end_object().end_array().end_object();
  return json_reply(w.take(), 422);
}

struct FluxRequest {
  std::string prompt;
  std::int64_t width = 1024;
  std::int64_t height = 1024;
  std::int64_t seed = 0;
};

// Reads and checks the submit body; the answer to send on a problem.
std::optional<SimResponse> read_submit(const std::string& text, FluxRequest& out) {
  JsonBody body;
  if (!body.parse(text))
    return unprocessable("", "Expecting value: line 1 column 1 (char 0)", "value_error.jsondecode");
  const auto root = body.root();
  const auto prompt = string_field(root, "prompt");
  if (!prompt.present) return unprocessable("prompt", "field required", "value_error.missing");
  if (prompt.wrong_type) return unprocessable("prompt", "str type expected", "type_error.str");
  out.prompt = std::string(prompt.value);
  for (const auto& [name, target] :
       {std::pair{"width", &out.width}, std::pair{"height", &out.height}}) {
    const auto value = int_field(root, name);
    if (value.wrong_type)
      return unprocessable(name, "value is not a valid integer", "type_error.integer");
    if (!value.present) continue;
    if (value.value < 64)
      return unprocessable(name, "ensure this value is greater than or equal to 64", "value_error");
    if (value.value % 16 != 0)
      return unprocessable(name, "must be a multiple of 16", "value_error");
    *target = value.value;
  }
  if (static_cast<std::uint64_t>(out.width * out.height) > kMaxPixels) {
    return unprocessable("width", "width * height must not exceed 4194304 pixels (4 MP)",
                         "value_error");
  }
  const auto seed = int_field(root, "seed");
  if (seed.wrong_type)
    return unprocessable("seed", "value is not a valid integer", "type_error.integer");
  out.seed = seed.or_default(42);
  const auto format = string_field(root, "output_format");
  if (format.wrong_type || (format.present && format.value != "jpeg" && format.value != "png")) {
    return unprocessable("output_format",
                         "value is not a valid enumeration member; permitted: 'jpeg', 'png'",
                         "type_error.enum");
  }
  const auto tolerance = int_field(root, "safety_tolerance");
  if (tolerance.wrong_type || (tolerance.ok() && (tolerance.value < 0 || tolerance.value > 6))) {
    return unprocessable("safety_tolerance", "ensure this value is between 0 and 6", "value_error");
  }
  if (bool_field(root, "prompt_upsampling").wrong_type) {
    return unprocessable("prompt_upsampling", "value could not be parsed to a boolean",
                         "type_error.bool");
  }
  return std::nullopt;
}

// BFL's 429: `retry_after` in the body and a Retry-After header when it is known.
SimResponse rate_limited(std::string_view message, std::optional<std::uint32_t> retry_after) {
  JsonWriter w;
  w.begin_object().field("error", "rate_limit_exceeded");
  w.field("message", message.empty() ? "Rate limit exceeded. Please slow down." : message);
  if (retry_after) w.field("retry_after", *retry_after);
  w.end_object();
  SimResponse response = json_reply(w.take(), 429);
  if (retry_after) response.headers.emplace_back("Retry-After", std::to_string(*retry_after));
  return response;
}

SimResponse submit(const SimRequest& request, HandlerContext& context, const FluxModel& model) {
  const std::string_view key = find_header(request, "x-key");
  if (key.empty()) return bfl_error(403, "Not authenticated");
  FluxRequest flux;
  if (auto problem = read_submit(request.body, flux)) return std::move(*problem);

  const Directives directives = parse_directives(flux.prompt);
  if (directives.fail_status == 429) return rate_limited({}, directives.retry_after_s);
  if (auto failure = directed_status(directives, bfl_family())) return std::move(*failure);
  if (partial_grant(directives, flux.prompt, 1, context) == 0)
    return partial_exhausted(bfl_family());
  const std::uint32_t limit = context.services.settings.max_tasks_per_key;
  if (context.services.tasks.in_flight("bfl", key, context.now) >= limit) {
    return rate_limited("You have exceeded the limit of " + std::to_string(limit) +
                            " active tasks. Please wait for some tasks to finish.",
                        1);
  }

  const Dimensions size{static_cast<std::uint32_t>(flux.width),
                        static_cast<std::uint32_t>(flux.height)};
  SimTask task = new_task("bfl", flux.prompt, size, 1, directives, context);
  task.owner = std::string(key);
  task.model = std::string(model.path.substr(4));
  task.seed = flux.seed;
  const std::string id = context.services.tasks.submit(std::move(task), context.now);

  // BFL's megapixel is 2^20 pixels (1024x1024 = 1 MP); each started extra megapixel is billed.
  const double mp =
      std::round(static_cast<double>(flux.width * flux.height) / 1048576.0 * 100.0) / 100.0;
  const double cost = model.first_mp + model.extra_mp * std::max(0.0, std::ceil(mp - 1e-9) - 1.0);
  JsonWriter w;
  w.begin_object()
      .field("id", id)
      .field("polling_url", base_url(request) + "/v1/get_result?id=" + id)
      .key("cost")
      .value(cost)
      .key("input_mp")
      .value(0)
      .key("output_mp")
      .value(mp)
      .end_object();
  return json_reply(w.take());
}

void write_result(JsonWriter& w, const SimRequest& request, const SimTask& task) {
  w.key("result")
      .begin_object()
      .field("sample", file_url(request, task.result_tokens.front()))
      .field("seed", task.seed)
      .field("prompt", task.prompt)
      .key("start_time")
      .value(static_cast<double>(task.created_unix_ms) / 1000.0)
      .key("end_time")
      .value(static_cast<double>(task.created_unix_ms) / 1000.0 + 1.5)
      .key("duration")
      .value(1.5)
      .end_object();
}

SimResponse poll(const SimRequest& request, HandlerContext& context) {
  if (find_header(request, "x-key").empty()) return bfl_error(403, "Not authenticated");
  const std::string_view id = query_param(target_query(request.target), "id");
  if (id.empty()) {
    return json_reply(
        R"({"detail":[{"loc":["query","id"],"msg":"field required","type":"value_error.missing"}]})",
        422);
  }
  const std::uint32_t pending = context.services.settings.poll_steps;
  const auto task = poll_task(context, "bfl", id, pending);
  JsonWriter w;
  w.begin_object().field("id", id);
  if (!task) {
    w.field("status", "Task not found").end_object();
    return json_reply(w.take());
  }
  if (!task->finished) {
    w.field("status", "Pending").key("result").null();
    w.key("progress").value(static_cast<double>(task->polls) / (pending + 1)).end_object();
    return json_reply(w.take());
  }
  switch (task->directives.moderated) {
    case Moderation::kPrompt:
      w.field("status", "Request Moderated").key("result").null();
      w.key("details")
          .begin_object()
          .key("Moderation Reasons")
          .begin_array()
          .value("Derivative Works");
      w.end_array().end_object().key("progress").null().end_object();
      return json_reply(w.take());
    case Moderation::kOutput:
      w.field("status", "Content Moderated").key("result").null();
      w.key("details").begin_object().key("Moderation Reasons").begin_array().value("NSFW");
      w.end_array().end_object().key("progress").null().end_object();
      return json_reply(w.take());
    case Moderation::kNone:
      break;
  }
  w.field("status", "Ready");
  write_result(w, request, *task);
  w.key("progress").value(1).end_object();
  return json_reply(w.take());
}

}  // namespace

SimResponse handle_bfl(const SimRequest& request, HandlerContext& context) {
  const std::string_view path = target_path(request.target);
  if (path == kPollPath) return poll(request, context);
  return submit(request, context, *model_at(path));
}

SimResponse bfl_error(int status, std::string_view message) {
  if (status == 429) return rate_limited(message, std::nullopt);
  std::string_view text = message;
  if (text.empty()) {
    text = status == 402   ? "Insufficient credits"
           : status == 403 ? "Not authenticated"
           : status >= 500 ? "Internal Server Error"
                           : "Bad Request";
  }
  JsonWriter w;
  w.begin_object().field("detail", text).end_object();
  return json_reply(w.take(), status);
}

const ProtocolFamily& bfl_family() {
  static const ProtocolFamily family{"bfl", &methods, &handle_bfl, &bfl_error};
  return family;
}

}  // namespace imagegen::sim
