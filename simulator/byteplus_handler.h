#pragma once
// BytePlus ModelArk Seedream 4.x (docs/providers.md, byteplus): `POST /api/v3/images/generations`
// with a bearer key, synchronous. `size` is a tier ("1K|2K|4K"; 4.5 takes 2K/4K only) or "WxH"
// inside the model's pixel window; images come back as URLs served by the simulator (default) or
// b64_json, with `data[].size` and `usage.generated_images`. `watermark` defaults to true upstream,
// so an answer made with a watermark carries `x-sim-watermarked: true`. Errors are
// `{"error":{"code","message","param"?,"type"}}`; moderation is a 400 `*SensitiveContentDetected`.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& byteplus_family();

SimResponse handle_byteplus(const SimRequest& request, HandlerContext& context);

SimResponse byteplus_error(int status, std::string_view message);

}  // namespace imagegen::sim
