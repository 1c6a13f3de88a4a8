#pragma once
// Alibaba Cloud DashScope, Wan 2.6 text-to-image (docs/providers.md, dashscope), bearer auth:
//   sync   POST /api/v1/services/aigc/multimodal-generation/generation
//   async  POST /api/v1/services/aigc/image-generation/generation + `X-DashScope-Async: enable`
//          -> {output:{task_id, task_status:"PENDING"}}; GET /api/v1/tasks/{id} walks
//          PENDING -> RUNNING -> SUCCEEDED with the sync answer's choices in `output`.
// `size` is "W*H" within 1280*1280..1440*1440 pixels and 1:4..4:1; `n` defaults to 4 and
// `prompt_extend` to true upstream (both cost money or time), so an answer made with prompt
// extension carries `x-sim-prompt-extended: true`. Errors are `{"code","message","request_id"}`.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& dashscope_family();

SimResponse handle_dashscope(const SimRequest& request, HandlerContext& context);

SimResponse dashscope_error(int status, std::string_view message);

}  // namespace imagegen::sim
