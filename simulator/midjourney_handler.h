#pragma once
// Midjourney through PiAPI's unified task API (docs/providers.md, midjourney), `x-api-key` on every
// call. `POST /api/v1/task` {model:"midjourney", task_type:"imagine", input:{prompt:"... --v 7 --ar
// 16:9
// [--no x] [--seed N]", aspect_ratio?, process_mode}} answers `{code:200, message:"success",
// data:{task_id, status:"pending", input, output:{}, meta, logs:[], error}}`; `GET
// /api/v1/task/{task_id}` walks pending -> processing -> completed with `output.image_url` (the 2x2
// grid) and `output.temporary_image_urls` (4 images sized from `--ar`, about 1K). A banned prompt
// ends the task `failed` with `error.message`; `--v` other than 7 or 6.1 is a 400.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& midjourney_family();

SimResponse handle_midjourney(const SimRequest& request, HandlerContext& context);

// `{"code":<status>,"message":"...","data":null}`.
SimResponse midjourney_error(int status, std::string_view message);

// The value following `--flag ` in a Midjourney prompt (empty when absent).
std::string_view midjourney_flag(std::string_view prompt, std::string_view flag);

}  // namespace imagegen::sim
