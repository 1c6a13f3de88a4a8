#include "simulator/files_handler.h"

#include <string>

namespace imagegen::sim {
namespace {

constexpr std::string_view kPrefix = "/files/";

std::string_view methods(std::string_view path) { return path.starts_with(kPrefix) ? "GET" : ""; }

SimResponse xml_error(int status, std::string_view code, std::string_view message) {
  SimResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/xml");
  response.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + std::string(code) +
                  "</Code><Message>" + std::string(message) + "</Message></Error>";
  return response;
}

}  // namespace

SimResponse handle_files(const SimRequest& request, HandlerContext& context) {
  std::string_view name = target_path(request.target).substr(kPrefix.size());
  const std::string_view token = name.substr(0, name.find('.'));
  ResultFile file;
  switch (context.services.files.find(token, context.now, file)) {
    case FileState::kUnknown:
      return files_error(404, {});
    case FileState::kExpired:
      return files_error(403, {});
    case FileState::kServable:
      break;
  }
  const auto image = file.kind == FileKind::kGarbage
                         ? ImageCache::garbage()
                         : context.services.images.png(file.width, file.height);
  SimResponse response;
  // Garbage is labelled image/png too: a gateway must check the bytes, not the header.
  response.headers.emplace_back("Content-Type", "image/png");
  response.body = image->bytes;
  return response;
}

SimResponse files_error(int status, std::string_view message) {
  if (status == 403) {
    return xml_error(403, "AuthenticationFailed",
                     message.empty()
                         ? "Signed URL expired: Signature not valid in the specified time frame."
                         : message);
  }
  if (status == 404) {
    return xml_error(404, "BlobNotFound",
                     message.empty() ? "The specified blob does not exist." : message);
  }
  return xml_error(status, status >= 500 ? "InternalError" : "InvalidRequest",
                   message.empty() ? "The request could not be served." : message);
}

const ProtocolFamily& files_family() {
  static const ProtocolFamily family{"files", &methods, &handle_files, &files_error};
  return family;
}

}  // namespace imagegen::sim
