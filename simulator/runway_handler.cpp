#include "simulator/runway_handler.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <deque>
#include <mutex>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/json_writer.h"
#include "simulator/directed_outcome.h"
#include "simulator/family_common.h"
#include "simulator/json_fields.h"

namespace imagegen::sim {
namespace {

constexpr std::string_view kSubmitPath = "/v1/text_to_image";
constexpr std::string_view kTasksPrefix = "/v1/tasks/";
constexpr std::string_view kVersion = "2024-11-06";
// What tests read to see which tasks clients cancelled (not a Runway endpoint).
constexpr std::string_view kCancelsPath = "/sim/runway/cancels";
constexpr std::size_t kCancelsKept = 1000;
constexpr std::uint32_t kStages = 3;  // PENDING, THROTTLED, RUNNING

constexpr std::array<std::string_view, 16> kRatios{
    "1280:720",  "720:1280",  "720:720",   "960:720",   "720:960",  "1680:720",
    "1920:1080", "1080:1920", "1024:1024", "1080:1080", "1168:880", "1360:768",
    "1440:1080", "1080:1440", "1808:768",  "2112:912"};

std::string_view methods(std::string_view path) {
  if (path == kSubmitPath) return "POST";
  if (path == kCancelsPath) return "GET";
  return path_id(path, kTasksPrefix).empty() ? "" : "GET, DELETE";
}

// Tasks cancelled with DELETE /v1/tasks/{id}, process-wide: the count, and the latest ids.
class CancelLog {
 public:
  void add(std::string_view id) {
    std::lock_guard lock(mutex_);
    ++count_;
    ids_.emplace_back(id);
    if (ids_.size() > kCancelsKept) ids_.pop_front();
  }
  bool has(std::string_view id) const {
    std::lock_guard lock(mutex_);
    return std::find(ids_.begin(), ids_.end(), id) != ids_.end();
  }
  std::string json() const {
    std::lock_guard lock(mutex_);
    JsonWriter w;
    w.begin_object().key("cancelled").value(count_).key("ids").begin_array();
    for (const std::string& id : ids_) w.value(id);
    w.end_array().end_object();
    return w.take();
  }

 private:
  mutable std::mutex mutex_;
  std::int64_t count_ = 0;
  std::deque<std::string> ids_;
};

CancelLog& cancel_log() {
  static CancelLog log;
  return log;
}

// Runway answers a cancel (or delete) with 204 and no body.
SimResponse cancel(std::string_view id) {
  cancel_log().add(id);
  SimResponse response;
  response.status = 204;
  return response;
}

// A 400 naming the offending field, as Runway's validation answers do.
SimResponse invalid(std::string_view field, std::string_view message) {
  JsonWriter w;
  w.begin_object()
      .field("error", "Validation of body failed")
      .key("issues")
      .begin_array()
      .begin_object();
  w.key("path")
      .begin_array()
      .value(field)
      .end_array()
      .field("message", message)
      .end_object()
      .end_array();
  w.end_object();
  return json_reply(w.take(), 400);
}

std::size_t utf16_units(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xc0) != 0x80) n += byte >= 0xf0 ? 2 : 1;  // 4-byte sequences are surrogate pairs
  }
  return n;
}

struct Gen4Request {
  std::string model;
  std::string prompt;
  Dimensions size;
  std::int64_t seed = 0;
};

std::optional<SimResponse> read_request(const std::string& text, Gen4Request& out) {
  JsonBody body;
  if (!body.parse(text)) return runway_error(400, "Invalid JSON body");
  const auto root = body.root();
  out.model = std::string(string_field(root, "model").or_default(""));
  if (out.model != "gen4_image" && out.model != "gen4_image_turbo") {
    return invalid("model", "Invalid enum value. Expected 'gen4_image' | 'gen4_image_turbo'");
  }
  const auto prompt = string_field(root, "promptText");
  const std::size_t units = prompt.ok() ? utf16_units(prompt.value) : 0;
  if (units < 1 || units > 1000)
    return invalid("promptText", "String must contain between 1 and 1000 character(s)");
  out.prompt = std::string(prompt.value);
  const auto ratio = string_field(root, "ratio").or_default("");
  if (std::find(kRatios.begin(), kRatios.end(), ratio) == kRatios.end()) {
    return invalid("ratio", "Invalid enum value for ratio: '" + std::string(ratio) + "'");
  }
  out.size = *parse_pixel_size(ratio, ':');
  const auto seed = int_field(root, "seed");
  if (seed.wrong_type || (seed.ok() && (seed.value < 0 || seed.value > 4294967295LL))) {
    return invalid("seed", "Number must be an integer between 0 and 4294967295");
  }
  out.seed = seed.or_default(1234567);
  const auto references = array_field(root, "referenceImages");
  const std::size_t count = references.ok() ? references.value.size() : 0;
  if (count > 3) return invalid("referenceImages", "Array must contain at most 3 element(s)");
  if (out.model == "gen4_image_turbo" && count == 0) {
    return invalid("referenceImages", "gen4_image_turbo requires at least one reference image");
  }
  return std::nullopt;
}

SimResponse submit(const SimRequest& request, HandlerContext& context) {
  Gen4Request gen4;
  if (auto problem = read_request(request.body, gen4)) return std::move(*problem);
  const Directives directives = parse_directives(gen4.prompt);
  if (auto failure = directed_status(directives, runway_family())) return std::move(*failure);
  if (partial_grant(directives, gen4.prompt, 1, context) == 0)
    return partial_exhausted(runway_family());
  SimTask task = new_task("runway", gen4.prompt, gen4.size, 1, directives, context);
  task.model = gen4.model;
  task.seed = gen4.seed;
  JsonWriter w;
  w.begin_object()
      .field("id", context.services.tasks.submit(std::move(task), context.now))
      .end_object();
  return json_reply(w.take());
}

// Runway shows every state at least once: THROTTLED is the one clients forget.
std::uint32_t pending_polls(const SimSettings& settings) {
  return settings.poll_steps == 0 ? 0 : std::max(settings.poll_steps, kStages);
}

SimResponse poll(const SimRequest& request, HandlerContext& context, std::string_view id) {
  const std::uint32_t pending = pending_polls(context.services.settings);
  const auto task = poll_task(context, "runway", id, pending);
  if (!task) return runway_error(404, "Task not found");
  JsonWriter w;
  w.begin_object().field("id", id).field("createdAt", format_iso8601_ms(task->created_unix_ms));
  if (cancel_log().has(id)) {
    w.field("status", "CANCELLED");
  } else if (!task->finished) {
    const std::uint32_t stage = stage_of_poll(task->polls, pending, kStages);
    w.field("status", stage == 0 ? "PENDING" : stage == 1 ? "THROTTLED" : "RUNNING");
    if (stage == 2) w.key("progress").value(0.5);
  } else if (task->directives.moderated == Moderation::kPrompt) {
    w.field("status", "FAILED")
        .field("failure", "Your prompt did not pass our content moderation.");
    w.field("failureCode", "SAFETY.INPUT.TEXT");
  } else if (task->directives.moderated == Moderation::kOutput) {
    w.field("status", "FAILED")
        .field("failure", "The generated image did not pass our content moderation.");
    w.field("failureCode", "SAFETY.OUTPUT.IMAGE");
  } else {
    w.field("status", "SUCCEEDED").key("output").begin_array();
    w.value(file_url(request, task->result_tokens.front())).end_array();
  }
  w.end_object();
  return json_reply(w.take());
}

}  // namespace

SimResponse handle_runway(const SimRequest& request, HandlerContext& context) {
  const std::string_view path = target_path(request.target);
  if (path == kCancelsPath) return json_reply(cancel_log().json());
  if (bearer_token(request).empty()) return runway_error(401, {});
  const std::string_view version = find_header(request, "x-runway-version");
  if (version.empty()) return runway_error(400, "The X-Runway-Version header is required");
  if (version != kVersion) {
    return runway_error(
        400, "Invalid API version '" + std::string(version) + "'; supported: 2024-11-06");
  }
  if (path == kSubmitPath) return submit(request, context);
  const std::string_view id = path_id(path, kTasksPrefix);
  return request.method == "DELETE" ? cancel(id) : poll(request, context, id);
}

SimResponse runway_error(int status, std::string_view message) {
  std::string_view text = message;
  if (text.empty()) {
    text =
        status == 401 ? "Invalid API key or no API key provided"
        : status == 429
            ? "You have exceeded the number of concurrent tasks or daily generations for your tier"
        : status >= 500 ? "An unexpected error occurred"
                        : "Bad request";
  }
  JsonWriter w;
  w.begin_object().field("error", text).end_object();
  return json_reply(w.take(), status);
}

const ProtocolFamily& runway_family() {
  static const ProtocolFamily family{"runway", &methods, &handle_runway, &runway_error};
  return family;
}

}  // namespace imagegen::sim
