#pragma once
// Small pieces every newer family uses: auth headers, absolute URLs built from the request's Host
// (so they work on whatever port the simulator got), result files, JSON answers.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "simulator/directives.h"
#include "simulator/image_sizes.h"
#include "simulator/protocol_family.h"
#include "simulator/sim_ids.h"
#include "simulator/task_store.h"

namespace imagegen::sim {

// The token of `Authorization: Bearer <token>`; empty when absent or another scheme.
std::string_view bearer_token(const SimRequest& request);

// "http://<Host header>" (127.0.0.1 when the client sent no Host).
std::string base_url(const SimRequest& request);

// Registers a result picture obeying `[sim:garbage]` / `[sim:expired]`; returns its token.
std::string publish_file(HandlerContext& context, Dimensions size, const Directives& directives);

// The absolute URL of a token made by publish_file.
std::string file_url(const SimRequest& request, std::string_view token);

// `[sim:fail=CODE]` (with its Retry-After) in the family's envelope, ignoring `hang`: the async
// families turn `hang` into a task that never finishes instead of a request that never answers.
std::optional<SimResponse> directed_status(const Directives& directives,
                                           const ProtocolFamily& family);

// A 200 (or `status`) answer with a JSON body.
SimResponse json_reply(std::string body, int status = 200);

// The `{"code", "message", "request_id"}` error body DashScope and Kling both answer with (a text
// code for DashScope, a number for Kling), with a fresh request id, as a `status` answer.
template <typename Code>
SimResponse request_id_error(int status, const Code& code, std::string_view message) {
  JsonWriter w;
  w.begin_object()
      .field("code", code)
      .field("message", message)
      .field("request_id", new_uuid())
      .end_object();
  return json_reply(w.take(), status);
}

// The picture bytes for a sync family's inline answer (garbage under `[sim:garbage]`).
std::shared_ptr<const EncodedImage> inline_image(HandlerContext& context, Dimensions size,
                                                 const Directives& directives);

// The last path segment after `prefix`, or empty when the path does not start with it or the
// rest contains another '/'.
std::string_view path_id(std::string_view path, std::string_view prefix);

// Which of a family's `stages` unfinished states (0-based) the `poll`-th poll (1-based) shows when
// `pending` polls answer unfinished: the first poll shows the first state and the last unfinished
// poll the last one, so a client sees the whole walk whenever pending >= stages.
std::uint32_t stage_of_poll(std::uint32_t poll, std::uint32_t pending, std::uint32_t stages);

std::int64_t unix_ms(const HandlerContext& context);

// A task of `family` to submit: its prompt, picture size, picture count and directives, created
// now. The family sets the rest (model, seed, owner, extra) itself.
SimTask new_task(std::string_view family, std::string_view prompt, Dimensions size,
                 std::uint32_t count, const Directives& directives, const HandlerContext& context);

// One poll of `family`'s task `id`, unfinished for its first `pending` polls (TaskStore::poll).
// The task that finishes now gets its `count` pictures of its size, after a grid picture of twice
// the size when `grid_first` (midjourney); a moderated task gets none. nullopt for an unknown id.
std::optional<SimTask> poll_task(HandlerContext& context, std::string_view family,
                                 std::string_view id, std::uint32_t pending,
                                 bool grid_first = false);

}  // namespace imagegen::sim
