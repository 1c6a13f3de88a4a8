#pragma once
// Result files: `GET /files/<token>.<ext>` serves the picture a URL-delivering family promised
// (bfl, midjourney, runway, xai, byteplus, kling, dashscope). Expired and unknown tokens answer
// like a signed cloud-storage URL does: 403 / 404 with a small XML error body.
#include "simulator/protocol_family.h"

namespace imagegen::sim {

const ProtocolFamily& files_family();

SimResponse handle_files(const SimRequest& request, HandlerContext& context);

SimResponse files_error(int status, std::string_view message);

}  // namespace imagegen::sim
